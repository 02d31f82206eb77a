package source

import (
	"strings"
	"testing"
)

// FuzzWall: any body is looked at without a panic, and is either no wall
// or named as one of the walls a person can act on.
func FuzzWall(f *testing.F) {
	f.Add([]byte(`<form><input type="password"></form>`))
	f.Add([]byte(`<h1>Please verify you are a human</h1>`))
	f.Add([]byte(`<input type=PASSWORD`))
	f.Add([]byte("<rss><item><title>x</title></item></rss>"))
	f.Add([]byte("\x00\xff<input type='password' "))
	f.Fuzz(func(t *testing.T, body []byte) {
		w := wall(body)
		if w != "" && w != "a sign-in form" && !(strings.HasPrefix(w, "a ") && strings.HasSuffix(w, " page")) {
			t.Fatalf("wall(%q) = %q", body, w)
		}
	})
}
