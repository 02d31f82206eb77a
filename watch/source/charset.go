package source

import (
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
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
func toUTF8(body []byte, contentType string) (out []byte, ok bool) {
	if utf8.Valid(body) {
		return nil, false
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
