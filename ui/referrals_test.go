package ui

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/referrals"
)

func (s *session) postForm(t *testing.T, path string, v url.Values) (*http.Response, string) {
	t.Helper()
	v.Set("_csrf", s.CSRF)
	r, err := s.Client.PostForm(s.Base+path, v)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r, string(b)
}

func TestReferralPages(t *testing.T) {
	var svc *referrals.Service
	env := newEnvWith(t, func(o *Options) {
		var err error
		svc, err = referrals.New(referrals.Options{Store: o.Store, RequireCapture: true, Logger: testLogger,
			Platforms: []referrals.Platform{{ID: "tube", Name: "Tube", Channel: "portal", ChaseDays: 7, Hosts: []string{"example.org"}}}})
		if err != nil {
			t.Fatal(err)
		}
		o.Referrals = svc
	})
	env.addUser(t, "viewer", watch.RoleViewer)
	env.addUser(t, "officer", watch.RoleOfficer)
	h := env.recordHit(t, "k1", "=cmd| drill threat", "op1")

	viewer := env.signIn(t, "viewer")
	if code, _ := viewer.Get(t, "/referrals"); code != http.StatusForbidden {
		t.Errorf("viewer sees the ledger: HTTP %d", code)
	}
	o := env.signIn(t, "officer")
	code, body := o.Get(t, "/referrals/new?hit="+itoa(h.ID))
	if code != http.StatusOK || !strings.Contains(body, `value="https://example.org/k1"`) || !strings.Contains(body, `<option value="tube" selected>`) {
		t.Fatalf("new form %d:\n%s", code, body)
	}
	form := url.Values{"hit": {itoa(h.ID)}, "platform": {"tube"}, "url": {"https://example.org/k1"}, "note": {"-1+1"}}
	r, body := o.postForm(t, "/referrals", form)
	if r.StatusCode != http.StatusConflict || !strings.Contains(body, "Capture first") || !strings.Contains(body, `id="capture-first"`) {
		t.Fatalf("refer before capture: %d\n%s", r.StatusCode, body)
	}
	if _, err := env.store.AddCapture(context.Background(), evidence.Capture{URL: "https://example.org/k1", FinalURL: "https://example.org/k1", HitID: h.ID,
		CapturedBy: "officer", Note: "before referral"}, evidence.Act{Actor: "officer", Action: evidence.ActCaptured}); err != nil {
		t.Fatal(err)
	}
	r, _ = o.postForm(t, "/referrals", form)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/referrals/1" {
		t.Fatalf("refer: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	r, _ = o.postForm(t, "/referrals/1", url.Values{"reference": {"@SUM(A1)"}, "outcome": {"removed"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", r.StatusCode)
	}
	if r, body = o.postForm(t, "/referrals/1", url.Values{"outcome": {"vanished"}}); r.StatusCode != http.StatusBadRequest || !strings.Contains(body, "not an outcome") {
		t.Errorf("bad outcome: %d", r.StatusCode)
	}
	code, body = o.Get(t, "/referrals/1")
	if code != http.StatusOK || !strings.Contains(body, "@SUM(A1)") || !strings.Contains(body, "<td>officer</td><td>outcome</td><td>pending</td><td>removed</td>") {
		t.Errorf("referral page %d:\n%s", code, body)
	}
	code, body = o.Get(t, "/referrals?platform=tube&outcome=removed")
	if code != http.StatusOK || !strings.Contains(body, `<td class="rate">100%</td>`) || !strings.Contains(body, `id="referral-1"`) {
		t.Errorf("ledger %d:\n%s", code, body)
	}
	if code, body = o.Get(t, "/referrals?outcome=declined"); strings.Contains(body, `id="referral-1"`) {
		t.Errorf("the outcome filter let a removed referral through")
	}
	if code, _ = o.Get(t, "/referrals?from=yesterday"); code != http.StatusBadRequest {
		t.Errorf("bad date: HTTP %d", code)
	}
	if code, body = o.Get(t, "/api/referrals/hits?ids=99,"+itoa(h.ID)); code != http.StatusOK || !strings.Contains(body, `"reference":"@SUM(A1)"`) {
		t.Errorf("referrals of hits %d: %s", code, body)
	}
	if code, body = viewer.Get(t, "/api/referrals/hits?ids="+itoa(h.ID)); code != http.StatusOK || strings.TrimSpace(body) != "[]" {
		t.Errorf("a viewer sees referrals: %d %s", code, body)
	}
	code, body = o.Get(t, "/api/referrals/charts")
	var charts map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &charts); code != http.StatusOK || err != nil || len(charts) != 4 || !strings.Contains(string(charts["chart-rate"]), "Tube") {
		t.Errorf("charts %d %v: %s", code, err, body)
	}
	resp, err := o.Client.Get(o.Base + "/referrals.csv?platform=tube")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(resp.Header.Get("Content-Disposition"), "referrals-tube-") {
		t.Errorf("csv headers %s %s", ct, resp.Header.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv %v %v", rows, err)
	}
	if rows[1][6] != "'@SUM(A1)" || rows[1][14] != "'-1+1" {
		t.Errorf("csv cells not made safe: %q", rows[1])
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
