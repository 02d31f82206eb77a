package source

import (
	"strings"
	"testing"
)

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  plain\n\ttext  ", "plain text"},
		{"Tom &amp; Jerry", "Tom & Jerry"},
		{"&lt;b&gt;not a tag&lt;/b&gt;", "<b>not a tag</b>"},
		{"<img src=x onerror=alert(1)>", ""},
		{"a<img src=x onerror=alert(1)>b", "a b"},
		{"<p>one</p><p>two</p>", "one two"},
		{"<b>W</b>ord and <a href='x'>link</a>s", "Word and links"},
		{"line<br>break<br/>again", "line break again"},
		{"<script>alert(1)</script>kept<style>p{}</style>", "kept"},
		{"<noscript><img src=t.gif></noscript>text<iframe src=x><p>no</p></iframe>", "text"},
		{"<template><p>hidden</p></template>shown", "shown"},
		{"<!-- comment -->visible<!DOCTYPE html>", "visible"},
		{"a&nbsp;&nbsp;b&#x1F389;&#32;c", "a b🎉 c"},
		{"bad \xff\xfe bytes", "bad \uFFFD bytes"}, // one replacement per invalid run
		{"ctrl\x00\x07chars\u0085next", "ctrlchars next"},
		{"میں\u200cنے", "میں\u200cنے"}, // ZWNJ is meaningful in Urdu
		{"unclosed <b", "unclosed"},
		{"x < y and y > z", "x < y and y > z"},
	}
	for _, tt := range tests {
		if got := plainText(tt.in); got != tt.want {
			t.Errorf("plainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"ab   cd", 5, "ab…"}, // no space before the ellipsis
		{"ąčęėįšųūž", 4, "ąčę…"},
		{"和平鸽和平鸽", 3, "和平…"},
	}
	for _, tt := range tests {
		got := truncate(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
	if got := truncate(strings.Repeat("x", 20000), 10000); len(got) != 9999+len("…") {
		t.Errorf("long truncate: %d bytes", len(got))
	}
}
