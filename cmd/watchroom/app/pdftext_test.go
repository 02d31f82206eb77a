package app

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// pdfPageTexts reads the text of each page of a PDF as Chromium writes
// it (fonts with ToUnicode maps, text shown as hex glyph strings): just
// enough of the format to check what each printed page says. Spacing is
// not kept; compare text with its spaces taken out.
func pdfPageTexts(pdf []byte) ([]string, error) {
	d := &pdfFile{raw: pdf, objs: map[int][]byte{}}
	for _, m := range pdfObjStart.FindAllSubmatchIndex(pdf, -1) {
		n, _ := strconv.Atoi(string(pdf[m[2]:m[3]]))
		end := bytes.Index(pdf[m[1]:], []byte("endobj"))
		if end < 0 {
			return nil, fmt.Errorf("object %d has no end", n)
		}
		d.objs[n] = pdf[m[1] : m[1]+end]
	}
	var out []string
	for _, p := range d.pages() {
		fonts := map[string]map[string]string{}
		res := d.resolve(p, "Resources")
		if fd := d.dictOf(res, "Font"); fd != nil {
			for _, m := range pdfNameRef.FindAllSubmatch(fd, -1) {
				n, _ := strconv.Atoi(string(m[2]))
				fonts[string(m[1])] = d.toUnicode(d.objs[n])
			}
		}
		var text strings.Builder
		for _, c := range pdfRef.FindAllSubmatch(d.entry(p, "Contents"), -1) {
			n, _ := strconv.Atoi(string(c[1]))
			data, err := d.stream(n)
			if err != nil {
				return nil, err
			}
			var cmap map[string]string
			for _, m := range pdfShow.FindAllSubmatch(data, -1) {
				switch {
				case m[1] != nil: // /F1 12 Tf
					cmap = fonts[string(m[1])]
				default: // <...> in Tj or TJ
					h, err := hex.DecodeString(string(bytes.Join(bytes.Fields(m[2]), nil)))
					if err != nil {
						continue
					}
					for i := 0; i+1 < len(h); i += 2 {
						text.WriteString(cmap[fmt.Sprintf("%04X", int(h[i])<<8|int(h[i+1]))])
					}
				}
			}
		}
		out = append(out, text.String())
	}
	return out, nil
}

var (
	pdfObjStart = regexp.MustCompile(`(?m)(\d+) 0 obj`)
	pdfRef      = regexp.MustCompile(`(\d+) 0 R`)
	pdfNameRef  = regexp.MustCompile(`/([A-Za-z0-9_.+-]+)\s+(\d+) 0 R`)
	pdfShow     = regexp.MustCompile(`/([A-Za-z0-9_.+-]+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f\s]*)>`)
	pdfBfChar   = regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>`)
	pdfBfRange  = regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>`)
)

type pdfFile struct {
	raw  []byte
	objs map[int][]byte
}

// entry is the value of /key in an object's dictionary, up to the next key.
func (d *pdfFile) entry(obj []byte, key string) []byte {
	i := bytes.Index(obj, []byte("/"+key))
	if i < 0 {
		return nil
	}
	rest := obj[i+len(key)+1:]
	if j := bytes.IndexAny(rest, "<["); j >= 0 && bytes.TrimSpace(rest[:j]) == nil {
		return balanced(rest[j:])
	}
	if m := pdfRef.FindIndex(rest); m != nil && bytes.TrimSpace(rest[:m[0]]) == nil {
		return rest[m[0]:m[1]]
	}
	return nil
}

// balanced is the <<...>> or [...] at the start of b.
func balanced(b []byte) []byte {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch {
		case bytes.HasPrefix(b[i:], []byte("<<")), b[i] == '[':
			depth++
			if b[i] == '<' {
				i++
			}
		case bytes.HasPrefix(b[i:], []byte(">>")), b[i] == ']':
			depth--
			if b[i] == '>' {
				i++
			}
			if depth == 0 {
				return b[:i+1]
			}
		}
	}
	return b
}

// resolve is /key's value, followed if it is a reference.
func (d *pdfFile) resolve(obj []byte, key string) []byte {
	v := d.entry(obj, key)
	if m := pdfRef.FindSubmatch(v); m != nil && bytes.Equal(bytes.TrimSpace(v), bytes.TrimSpace(m[0])) {
		n, _ := strconv.Atoi(string(m[1]))
		return d.objs[n]
	}
	return v
}

func (d *pdfFile) dictOf(obj []byte, key string) []byte { return d.resolve(obj, key) }

// pages are the page objects in order, from the catalog's page tree.
func (d *pdfFile) pages() [][]byte {
	var root []byte
	for _, o := range d.objs {
		if bytes.Contains(o, []byte("/Type /Catalog")) {
			root = d.resolve(o, "Pages")
		}
	}
	var out [][]byte
	var walk func(node []byte)
	walk = func(node []byte) {
		if bytes.Contains(node, []byte("/Type /Page")) && !bytes.Contains(node, []byte("/Type /Pages")) {
			out = append(out, node)
			return
		}
		for _, m := range pdfRef.FindAllSubmatch(d.entry(node, "Kids"), -1) {
			n, _ := strconv.Atoi(string(m[1]))
			walk(d.objs[n])
		}
	}
	walk(root)
	return out
}

// stream is object n's stream, inflated.
func (d *pdfFile) stream(n int) ([]byte, error) {
	o := d.objs[n]
	i := bytes.Index(o, []byte("stream"))
	if i < 0 {
		return nil, fmt.Errorf("object %d has no stream", n)
	}
	dict, body := o[:i], o[i+len("stream"):]
	body = bytes.TrimPrefix(bytes.TrimPrefix(body, []byte("\r")), []byte("\n"))
	if j := bytes.LastIndex(body, []byte("endstream")); j >= 0 {
		body = body[:j]
	}
	if !bytes.Contains(dict, []byte("/FlateDecode")) {
		return body, nil
	}
	r, err := zlib.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("object %d: %w", n, err)
	}
	b, err := io.ReadAll(r)
	if err != nil && len(b) == 0 {
		return nil, fmt.Errorf("object %d: %w", n, err)
	}
	return b, nil
}

// toUnicode maps a font's 2-byte codes (as 4 hex digits) to text.
func (d *pdfFile) toUnicode(font []byte) map[string]string {
	out := map[string]string{}
	m := pdfRef.FindSubmatch(d.entry(font, "ToUnicode"))
	if m == nil {
		return out
	}
	n, _ := strconv.Atoi(string(m[1]))
	cm, err := d.stream(n)
	if err != nil {
		return out
	}
	utf16 := func(h string) string {
		b, _ := hex.DecodeString(h)
		var rs []rune
		for i := 0; i+1 < len(b); i += 2 {
			rs = append(rs, rune(int(b[i])<<8|int(b[i+1])))
		}
		return string(rs)
	}
	for _, sec := range regexp.MustCompile(`(?s)beginbfchar(.*?)endbfchar`).FindAllSubmatch(cm, -1) {
		for _, p := range pdfBfChar.FindAllSubmatch(sec[1], -1) {
			out[fmt.Sprintf("%04X", mustHex(p[1]))] = utf16(string(p[2]))
		}
	}
	for _, sec := range regexp.MustCompile(`(?s)beginbfrange(.*?)endbfrange`).FindAllSubmatch(cm, -1) {
		for _, p := range pdfBfRange.FindAllSubmatch(sec[1], -1) {
			lo, hi, dst := mustHex(p[1]), mustHex(p[2]), mustHex(p[3])
			for c := lo; c <= hi && c-lo < 65536; c++ {
				out[fmt.Sprintf("%04X", c)] = string(rune(dst + (c - lo)))
			}
		}
	}
	return out
}

func mustHex(b []byte) int {
	n, _ := strconv.ParseInt(string(b), 16, 64)
	return int(n)
}
