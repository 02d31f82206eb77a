package ui

import (
	"encoding/json"
	"testing"
)

func TestCheckJSON(t *testing.T) {
	for _, tt := range []struct{ body, err string }{
		{`{"note":"a","tags":["x","y"],"n":{"a":1,"b":[{"a":2},{"a":3}]}}`, ""},
		{`[]`, ""},
		{`{}`, ""},
		{` "x" `, ""},
		{`{"note":"a","note":"b"}`, `the key "note" is given twice.`},
		{`{"a":{"k":1,"k":2}}`, `the key "k" is given twice.`},
		{`[{"k":1},{"k":1,"j":[1,{"k":0,"k":0}]}]`, `the key "k" is given twice.`},
		{`{"note":"a\u0000b"}`, "it holds a NUL character."},
		{`{"no\u0000te":"a"}`, "it holds a NUL character."},
		{"{\"note\":\"a\x00b\"}", "it is not well-formed JSON."},
		{`{"note":"a"} {"note":"b"}`, "there is more after the JSON value."},
		{`{"note":"a"}}`, "it is not well-formed JSON."},
		{`{"note":`, "it is not well-formed JSON."},
		{``, "it is not well-formed JSON."},
		{`<note>a</note>`, "it is not well-formed JSON."},
	} {
		err := checkJSON([]byte(tt.body))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.err {
			t.Errorf("%q: %q, want %q", tt.body, got, tt.err)
		}
	}
}

func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":"c"}]}`, `{"a":1,"a":2}`, `[[],{}]`, `"\u0000"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if checkJSON([]byte(body)) == nil && !json.Valid([]byte(body)) {
			t.Fatalf("%q passed but is not JSON", body)
		}
	})
}
