package ui

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

// Every JSON body is JSON, says so, names each key once, holds no NUL and
// no key the handler does not know; queries and forms hold no NUL. Each
// refusal is a 400 that says why, and nothing is written.
func TestRequestBodiesAreStrict(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc", watch.RoleAdmin)
	web := e.signIn(t, "pc")
	hit := e.recordHit(t, "k1", "a rave")
	annotations := "/api/hits/" + itoa(hit.ID) + "/annotations"
	post := func(path, ctype, body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, web.Base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("X-CSRF-Token", web.CSRF)
		r, err := web.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var out struct{ Error string }
		_ = json.NewDecoder(r.Body).Decode(&out)
		return r.StatusCode, out.Error
	}
	for _, tt := range []struct {
		name, path, ctype, body, msg string
	}{
		{"XML", annotations, "application/xml", `<annotateRequest><note>x</note></annotateRequest>`,
			"The annotation is not valid: send it as JSON (Content-Type: application/json)."},
		{"a form", annotations, "application/x-www-form-urlencoded", `note=x`,
			"The annotation is not valid: send it as JSON (Content-Type: application/json)."},
		{"no type", annotations, "", `{"note":"x"}`,
			"The annotation is not valid: send it as JSON (Content-Type: application/json)."},
		{"a key twice", annotations, "application/json", `{"note":"harmless","note":"what counts?"}`,
			`The annotation is not valid: the key "note" is given twice.`},
		{"NUL in a note", annotations, "application/json; charset=utf-8", `{"note":"before\u0000after"}`,
			"The annotation is not valid: it holds a NUL character."},
		{"an unknown key", annotations, "application/json", `{"note":"x","author":"someone else"}`,
			`The annotation is not valid: unknown field "author".`},
		{"a wrong type", annotations, "application/json", `{"note":5}`,
			`The annotation is not valid: "note" has the wrong type.`},
		{"two values", annotations, "application/json", `{"note":"x"}{"note":"y"}`,
			"The annotation is not valid: there is more after the JSON value."},
		{"NUL in a query", "/api/watchlists/check", "application/json", `{"query":"rave\u0000 OR party"}`,
			"The request is not valid: it holds a NUL character."},
	} {
		code, msg := post(tt.path, tt.ctype, tt.body)
		if code != http.StatusBadRequest || msg != tt.msg {
			t.Errorf("%s: HTTP %d %q, want 400 %q", tt.name, code, msg, tt.msg)
		}
	}
	if code, msg := post(annotations, "application/json; charset=utf-8", `{"note":"fine","tags":[]}`); code != http.StatusCreated {
		t.Fatalf("a good annotation: HTTP %d %q", code, msg)
	}
	v, err := e.store.Hit(t.Context(), hit.ID)
	if err != nil || len(v.Annotations) != 1 {
		t.Fatalf("annotations stored: %+v %v", v.Annotations, err)
	}

	// NUL in a search and in a form
	if code, _ := web.Get(t, "/api/boards/all/search?q="+url.QueryEscape("rave\x00")); code != http.StatusBadRequest {
		t.Errorf("NUL in a search: HTTP %d", code)
	}
	if code, _ := web.PostForm(t, "/logout", url.Values{"x": {"a\x00b"}}); code != http.StatusBadRequest {
		t.Errorf("NUL in a form: HTTP %d", code)
	}
	if code, _ := web.Get(t, "/board/all"); code != http.StatusOK {
		t.Errorf("still signed in: HTTP %d", code)
	}
}
