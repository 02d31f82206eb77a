package source

import (
	"strings"
	"testing"
)

func TestAbsURL(t *testing.T) {
	base := baseURL("https://feeds.example/dir/feed.xml")
	tests := []struct{ in, want string }{
		{"https://a.example/x", "https://a.example/x"},
		{"  HTTP://A.example/x  ", "http://A.example/x"},
		{"/root", "https://feeds.example/root"},
		{"rel/page.html", "https://feeds.example/dir/rel/page.html"},
		{"//cdn.example/p", "https://cdn.example/p"},
		{"?q=1", "https://feeds.example/dir/feed.xml?q=1"},
		{"javascript:alert(1)", ""},
		{"JavaScript:alert(1)", ""},
		{"data:text/html,<script>", ""},
		{"vbscript:x", ""},
		{"file:///etc/passwd", ""},
		{"ftp://files.example/x", ""},
		{"mailto:a@b.example", ""},
		{"http:///nohost", ""},
		{"https://a.example/\x7f", ""},
		{"https://a.example/" + strings.Repeat("p", 2100), ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := absURL(tt.in, base); got != tt.want {
			t.Errorf("absURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := absURL("/root", nil); got != "" {
		t.Errorf("relative without a base = %q, want empty", got)
	}
	if baseURL("/feed.xml") != nil || baseURL("ftp://x/") != nil {
		t.Error("baseURL accepted a relative or non-web URL")
	}
}

func TestCanonicalURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTPS://News.Example:443/a/b?x=1#frag", "https://news.example/a/b?x=1"},
		{"http://news.example:80", "http://news.example/"},
		{"http://news.example:8080/P", "http://news.example:8080/P"},
		{"https://news.example:80/", "https://news.example:80/"},
		{"https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"},
		{"https://[2001:db8::1]:8443/x", "https://[2001:db8::1]:8443/x"},
	}
	for _, tt := range tests {
		if got := canonicalURL(tt.in); got != tt.want {
			t.Errorf("canonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
