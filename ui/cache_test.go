package ui

import (
	"net/http"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

// Nothing that carries a person's data may be kept by a browser or a
// proxy; the embedded assets may, if asked again each time. /static/
// serves files only (a 404 of a file server names no cache policy: it
// carries nothing).
func TestCacheControlAndStaticFilesOnly(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc", watch.RoleAdmin)
	web := e.signIn(t, "pc")
	hit := e.recordHit(t, "k1", "a rave")
	for _, tt := range []struct {
		path  string
		code  int
		cache string
	}{
		{"/login", http.StatusOK, "no-store"},
		{"/board/all", http.StatusOK, "no-store"},
		{"/operations", http.StatusOK, "no-store"},
		{"/api/boards/all/snapshot", http.StatusOK, "no-store"},
		{"/api/boards/all/search?q=rave", http.StatusOK, "no-store"},
		{"/api/hits/" + itoa(hit.ID), http.StatusOK, "no-store"},
		{"/api/boards/all/hits?before=" + itoa(hit.ID+1), http.StatusOK, "no-store"},
		{"/board/nope", http.StatusNotFound, "no-store"},
		{"/healthz", http.StatusOK, "no-store"},
		{"/static/app.css", http.StatusOK, "no-cache"},
		{"/static/board.js", http.StatusOK, "no-cache"},
		{"/static/", http.StatusNotFound, ""},
		{"/static/vendor/", http.StatusNotFound, ""},
		{"/static/vendor", http.StatusNotFound, ""},
		{"/static/nope.js", http.StatusNotFound, ""},
	} {
		r, err := web.Client.Get(web.Base + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != tt.code || r.Header.Get("Cache-Control") != tt.cache {
			t.Errorf("%s: HTTP %d, Cache-Control %q; want %d, %q", tt.path, r.StatusCode, r.Header.Get("Cache-Control"), tt.code, tt.cache)
		}
	}
}
