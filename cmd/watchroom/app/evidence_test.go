package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// hostilePage is what a captured page may hold: markup and script that
// must never run or be parsed in the console's origin.
const hostilePage = `<!doctype html><html><head><title>Meet up</title></head><body>
<p id="planted">Meet at the car park at ten</p>
<script>document.title = "PWNED"; fetch("/logout", {method: "POST"});</script>
<img src=x onerror="document.body.dataset.pwned = 'yes'">
</body></html>`

// evidenceSite serves the pages the evidence tests capture.
func evidenceSite(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/post/1":
			http.Redirect(w, r, "/p/1", http.StatusFound)
		case "/p/1":
			io.WriteString(w, `<!doctype html><title>Post</title><p>Free party on the common, bring everyone.</p>`)
		case "/hostile":
			io.WriteString(w, hostilePage)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// evidenceApp is the e2e console with evidence rendering as asked.
func evidenceApp(t *testing.T, render string) (*App, string) {
	t.Helper()
	a, base, _, _ := evidenceAppFeed(t, render)
	return a, base
}

func evidenceAppFeed(t *testing.T, render string) (*App, string, *feedServer, *watchtest.Clock) {
	t.Helper()
	feed := newFeedServer(t)
	text := fmt.Sprintf(e2eConfig, tempDataDir(t), feed.url) + "evidence:\n  render: " + render + "\n"
	clock := watchtest.NewClock(time.Date(2026, 11, 28, 19, 30, 0, 0, time.UTC))
	a, base, _ := newTestApp(t, text, clock, nil)
	return a, base, feed, clock
}

func location(t *testing.T, w *webClient, path string, form url.Values) string {
	t.Helper()
	if form.Get("_csrf") == "" {
		form.Set("_csrf", w.CSRF)
	}
	r, err := w.Client.PostForm(w.Base+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	if r.StatusCode != http.StatusSeeOther {
		b, _ := io.ReadAll(r.Body)
		t.Fatalf("POST %s: HTTP %d, want 303\n%s", path, r.StatusCode, b)
	}
	return r.Header.Get("Location")
}

func custodyActions(t *testing.T, a *App, captureID int64) []string {
	t.Helper()
	log, err := a.Evidence().Custody(context.Background(), captureID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range log {
		out = append(out, e.Actor+":"+e.Action)
	}
	return out
}

// From a URL to a verified package through the console, every act in the
// custody log and the audit log.
func TestEvidenceCaptureToVerifiedPackage(t *testing.T) {
	a, base, _, clock := evidenceAppFeed(t, "off")
	site := evidenceSite(t)
	addUser(t, a, "an1", watch.RoleAnalyst)
	addUser(t, a, "pc1", watch.RoleOfficer)
	an := signInHTTP(t, base, "an1")

	if code, body := an.Get(t, "/evidence/capture"); code != http.StatusOK || !strings.Contains(body, `id="capture-form"`) {
		t.Fatalf("capture form: HTTP %d", code)
	}
	loc := location(t, an, "/evidence/captures", url.Values{"url": {site + "/post/1"}, "note": {"post inciting a gathering"}, "operation": {"op1"}})
	if loc != "/evidence/captures/1" {
		t.Fatalf("capture went to %q", loc)
	}
	code, body := an.Get(t, loc)
	if code != http.StatusOK {
		t.Fatalf("capture page: HTTP %d", code)
	}
	// the configured zone named, and UTC: 19:30 UTC is 19:30 GMT in London in November
	mustContain(t, "capture page", body, "post inciting a gathering", site+"/p/1", "28 Nov 2026 19:30:00 GMT (Europe/London)",
		"2026-11-28 19:30:00 UTC", "not rendered", "no browser is configured", "application/warc", "No open case")
	if strings.Contains(body, "file-screenshot") {
		t.Error("a capture made without rendering offers a screenshot")
	}

	loc = location(t, an, "/evidence/cases", url.Values{"reference": {"42/1234/26"}, "officer": {"pc1"}, "purpose": {"Public Order Act 1986 s.4"},
		"operation": {"op1"}, "tasking": {"T-19"}})
	if loc != "/evidence/cases/1" {
		t.Fatalf("case went to %q", loc)
	}
	loc = location(t, an, "/evidence/exhibits", url.Values{"case": {"1"}, "capture": {"1"}, "producer": {"Ann Nolan"}})
	if loc != "/evidence/exhibits/1" {
		t.Fatalf("exhibit went to %q", loc)
	}
	_, body = an.Get(t, loc)
	mustContain(t, "exhibit page", body, `<span id="exhibit-reference">AN/1</span>`, "42/1234/26", "added_to_case", `id="disclose-form"`)
	_, body = an.Get(t, "/evidence/cases/1")
	mustContain(t, "case page", body, "AN/1", "pc1", "Public Order Act 1986 s.4", "T-19", `id="export"`)

	// a file: a download with a safe type, never a page
	r, err := an.Client.Get(base + "/evidence/captures/1/files/warc")
	if err != nil {
		t.Fatal(err)
	}
	warc, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/warc" ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") || r.Header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") || !bytes.HasPrefix(warc, []byte("WARC/1.1")) {
		t.Fatalf("WARC download: HTTP %d %v", r.StatusCode, r.Header)
	}
	if code, _ := an.Get(t, "/evidence/captures/1/files/html"); code != http.StatusNotFound {
		t.Errorf("a file kind that does not exist: HTTP %d", code)
	}

	if loc := location(t, an, "/evidence/exhibits/1/disclose", url.Values{"to": {"CPS Wessex, by secure e-mail"}}); loc != "/evidence/exhibits/1" {
		t.Fatalf("disclose went to %q", loc)
	}

	// export: the package downloads and verifies against the installation's key
	form := url.Values{"_csrf": {an.CSRF}}
	r, err = an.Client.PostForm(base+"/evidence/cases/1/export", form)
	if err != nil {
		t.Fatal(err)
	}
	zipData, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/zip" ||
		!strings.Contains(r.Header.Get("Content-Disposition"), `attachment; filename="case-42-1234-26.zip"`) {
		t.Fatalf("export: HTTP %d %v", r.StatusCode, r.Header)
	}
	pkg := filepath.Join(t.TempDir(), "case.zip")
	if err := os.WriteFile(pkg, zipData, 0o600); err != nil {
		t.Fatal(err)
	}
	key, err := a.Evidence().PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ok, err := VerifyPackage(pkg, key.Fingerprint, "", &out)
	if err != nil || !ok {
		t.Fatalf("the exported package does not verify: %v\n%s", err, out.String())
	}
	mustContain(t, "verify", out.String(), "verified", "case 42/1234/26", "1 exhibit(s)", key.Fingerprint)

	got := custodyActions(t, a, 1)
	want := []string{"an1:captured", "an1:viewed", "an1:added_to_case", "an1:viewed", "an1:viewed", "an1:disclosed", "an1:exported"}
	if !slices.Equal(got, want) {
		t.Errorf("custody = %v, want %v", got, want)
	}
	actions := map[string]int{}
	for _, e := range mustAudit(t, a) {
		actions[e.Action]++
	}
	for act, n := range map[string]int{"evidence_captured": 1, "evidence_case_open": 1, "evidence_added_to_case": 1, "evidence_viewed": 3,
		"evidence_disclosed": 1, "evidence_exported": 1} {
		if actions[act] != n {
			t.Errorf("audit has %d %s, want %d", actions[act], act, n)
		}
	}

	// the officer in charge sees the case and the exhibit (a viewing in
	// their name) and changes nothing
	pc := signInHTTP(t, base, "pc1")
	if code, body := pc.Get(t, "/evidence"); code != http.StatusOK || !strings.Contains(body, "42/1234/26") || strings.Contains(body, `id="captures"`) {
		t.Errorf("officer's evidence page: HTTP %d", code)
	}
	if code, body := pc.Get(t, "/evidence/exhibits/1"); code != http.StatusOK || strings.Contains(body, `id="disclose-form"`) {
		t.Errorf("officer's exhibit page: HTTP %d", code)
	}
	if code, _ := pc.Get(t, "/evidence/captures/1/files/warc"); code != http.StatusOK {
		t.Errorf("officer in charge's download: HTTP %d", code)
	}
	if code, _ := pc.PostForm(t, "/evidence/cases/1/export", url.Values{}); code != http.StatusForbidden {
		t.Errorf("officer's export: HTTP %d, want 403", code)
	}
	if got := custodyActions(t, a, 1); !slices.Equal(got[len(got)-2:], []string{"pc1:viewed", "pc1:viewed"}) || len(got) != len(want)+2 {
		t.Errorf("custody after the officer = %v", got)
	}

	// close: no more exhibits
	if loc := location(t, an, "/evidence/cases/1/close", url.Values{}); loc != "/evidence/cases/1" {
		t.Fatalf("close went to %q", loc)
	}
	location(t, an, "/evidence/captures", url.Values{"url": {site + "/p/1"}, "note": {"second look"}})
	if code, _ := an.PostForm(t, "/evidence/exhibits", url.Values{"case": {"1"}, "capture": {"2"}, "producer": {"Ann Nolan"}}); code != http.StatusConflict {
		t.Errorf("exhibit of a closed case: HTTP %d, want 409", code)
	}
	// six years on, the exhibit comes up for review (and is kept)
	if _, body := an.Get(t, "/evidence"); strings.Contains(body, `id="reviews"`) {
		t.Error("an exhibit is due for review the day its case closed")
	}
	clock.Add(6*365*24*time.Hour + time.Hour)
	an = signInHTTP(t, base, "an1") // the session has long expired
	_, body = an.Get(t, "/evidence")
	mustContain(t, "evidence page six years on", body, `id="reviews"`, `<a href="/evidence/exhibits/1">AN/1</a>`)
}

// Roles are checked on the server: a viewer cannot see, capture or
// export; an officer cannot capture or see another officer's case; no
// change goes through without the CSRF token.
func TestEvidenceRolesAndCSRF(t *testing.T) {
	a, base := evidenceApp(t, "off")
	site := evidenceSite(t)
	addUser(t, a, "an1", watch.RoleAnalyst)
	addUser(t, a, "pc1", watch.RoleOfficer)
	addUser(t, a, "pc2", watch.RoleOfficer)
	addUser(t, a, "v1", watch.RoleViewer)
	an := signInHTTP(t, base, "an1")
	location(t, an, "/evidence/captures", url.Values{"url": {site + "/p/1"}, "note": {"why"}})
	location(t, an, "/evidence/cases", url.Values{"reference": {"C1"}, "officer": {"PC1"}, "purpose": {"p"}})
	location(t, an, "/evidence/exhibits", url.Values{"case": {"1"}, "capture": {"1"}, "producer": {"Ann Nolan"}})

	before := len(mustAudit(t, a))
	viewer := signInHTTP(t, base, "v1")
	pc2 := signInHTTP(t, base, "pc2")
	pc1 := signInHTTP(t, base, "pc1")
	refused := []struct {
		who    *webClient
		method string
		path   string
		form   url.Values
	}{
		{viewer, "GET", "/evidence", nil},
		{viewer, "GET", "/evidence/exhibits/1", nil},
		{viewer, "GET", "/evidence/captures/1/files/warc", nil},
		{viewer, "POST", "/evidence/captures", url.Values{"url": {site + "/p/1"}, "note": {"x"}}},
		{viewer, "POST", "/evidence/cases/1/export", url.Values{}},
		{pc1, "POST", "/evidence/captures", url.Values{"url": {site + "/p/1"}, "note": {"x"}}},
		{pc1, "POST", "/evidence/cases", url.Values{"reference": {"C2"}, "officer": {"pc1"}, "purpose": {"p"}}},
		{pc1, "POST", "/evidence/exhibits/1/disclose", url.Values{"to": {"x"}}},
		{pc1, "GET", "/evidence/captures/1", nil},
		{pc2, "GET", "/evidence/cases/1", nil},
		{pc2, "GET", "/evidence/exhibits/1", nil},
		{pc2, "GET", "/evidence/captures/1/files/warc", nil},
	}
	for _, r := range refused {
		var code int
		if r.method == "GET" {
			code, _ = r.who.Get(t, r.path)
		} else {
			code, _ = r.who.PostForm(t, r.path, r.form)
		}
		if code != http.StatusForbidden {
			t.Errorf("%s %s: HTTP %d, want 403", r.method, r.path, code)
		}
	}
	// an analyst's change without the token
	if code, _ := an.PostForm(t, "/evidence/cases/1/export", url.Values{"_csrf": {"forged"}}); code != http.StatusForbidden && code != http.StatusBadRequest {
		t.Errorf("export without the CSRF token: HTTP %d", code)
	}
	if code, _ := pc2.Get(t, "/evidence"); code != http.StatusOK {
		t.Errorf("officer's list: HTTP %d", code)
	}
	for _, e := range mustAudit(t, a)[:len(mustAudit(t, a))-before] {
		if strings.HasPrefix(e.Action, "evidence_") {
			t.Errorf("a refused request was recorded: %+v", e)
		}
	}
	if got := custodyActions(t, a, 1); len(got) != 2 {
		t.Errorf("custody after refusals = %v, want captured and added_to_case only", got)
	}
}

// A hostile page is captured as bytes: the console shows its facts as
// text and serves its files only as attachments with types a browser
// does not render as a page.
func TestEvidenceHostilePageIsNeverServedAsHTML(t *testing.T) {
	a, base := evidenceApp(t, "off")
	site := evidenceSite(t)
	addUser(t, a, "an1", watch.RoleAnalyst)
	an := signInHTTP(t, base, "an1")
	loc := location(t, an, "/evidence/captures", url.Values{"url": {site + "/hostile"}, "note": {"<b>bold</b> note"}})
	_, body := an.Get(t, loc)
	for _, bad := range []string{"<script>document.title", "onerror=", "<b>bold</b>"} {
		if strings.Contains(body, bad) {
			t.Errorf("the capture page carries %q", bad)
		}
	}
	mustContain(t, "capture page", body, "&lt;b&gt;bold&lt;/b&gt; note")
	r, err := an.Client.Get(base + loc + "/files/warc")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !bytes.Contains(data, []byte("<script>document.title")) {
		t.Fatal("the WARC does not hold the page as received")
	}
	if ct := r.Header.Get("Content-Type"); strings.Contains(ct, "html") || ct != "application/warc" ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") || r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("served as %q %v", ct, r.Header)
	}
}
