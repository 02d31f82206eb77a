package source

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// xmlDecl matches an XML declaration at the start of a document.
var xmlDecl = regexp.MustCompile(`^(?:\xEF\xBB\xBF)?\s*<\?xml[^>]*\?>`)

// toUTF8 is the fallback for XML that the feed parser could not read because
// its bytes are not the UTF-8 it assumed: no encoding declaration (XML then
// defaults to UTF-8), or a wrong one. It decodes with the charset from the
// HTTP Content-Type or, failing that, windows-1252 (the superset of
// ISO-8859-1 that such feeds nearly always are), and replaces the
// declaration so the parser does not decode a second time. ok is false when
// body is already valid UTF-8 and there is nothing to try.
//
// A feed that declares UTF-8 (byte-order mark, Content-Type or XML
// declaration) and holds UTF-8 letters beyond ASCII is UTF-8 with some
// broken bytes: those become U+FFFD, never letters of another charset. One
// that declares UTF-8 but holds not one UTF-8 sequence is a legacy charset
// mislabelled (Latin-1 sent as UTF-8, a common server mistake), read as
// above.
func toUTF8(body []byte, contentType string) (out []byte, ok bool) {
	if utf8.Valid(body) {
		return nil, false
	}
	if declaresUTF8(body, contentType) && holdsUTF8(body) {
		out, err := unicode.UTF8.NewDecoder().Bytes(body)
		return out, err == nil
	}
	var enc encoding.Encoding = charmap.Windows1252
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		if e, name := charset.Lookup(params["charset"]); e != nil && !strings.EqualFold(name, "utf-8") {
			enc = e
		}
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, false
	}
	if loc := xmlDecl.FindIndex(out); loc != nil {
		out = append([]byte(`<?xml version="1.0" encoding="UTF-8"?>`), out[loc[1]:]...)
	}
	return out, true
}

// xmlEncoding matches the encoding of an XML declaration.
var xmlEncoding = regexp.MustCompile(`encoding\s*=\s*["']([A-Za-z0-9._-]+)["']`)

// declaresUTF8 reports whether body says it is UTF-8: a byte-order mark,
// the Content-Type's charset, or else the XML declaration's encoding.
func declaresUTF8(body []byte, contentType string) bool {
	if bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		return true
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
		_, name := charset.Lookup(params["charset"])
		return strings.EqualFold(name, "utf-8")
	}
	if decl := xmlDecl.Find(body); decl != nil {
		if m := xmlEncoding.FindSubmatch(decl); m != nil {
			_, name := charset.Lookup(string(m[1]))
			return strings.EqualFold(name, "utf-8")
		}
	}
	return false
}

// holdsUTF8 reports whether body holds at least one valid multi-byte UTF-8
// sequence.
func holdsUTF8(body []byte) bool {
	for i := 0; i < len(body); {
		if body[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, w := utf8.DecodeRune(body[i:])
		if r != utf8.RuneError || w > 1 {
			return true
		}
		i += w
	}
	return false
}
