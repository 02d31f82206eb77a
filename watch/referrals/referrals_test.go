package referrals

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/store"
	"github.com/watchroom/watchroom/watch/store/storetest"
	"github.com/watchroom/watchroom/watch/watchtest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

var testPlatforms = []Platform{
	{ID: "tube", Name: "Tube", Channel: "portal", Categories: []string{"threats", "weapons"}, ChaseDays: 7, Unavailable: []string{"This video isn't available anymore"}, Hosts: []string{"tube.example"}},
	{ID: "gram", Name: "Gram", Channel: "e-mail", ChaseDays: 3, Hosts: []string{"gram.example"}},
}

type fixture struct {
	st    *store.Store
	svc   *Service
	clock *watchtest.Clock
	mu    sync.Mutex
	evs   []watch.Event
}

func newFixture(t *testing.T, fetcher Fetcher) *fixture {
	f := &fixture{clock: watchtest.NewClock(t0)}
	f.st = storetest.Open(t, f.clock.Now)
	f.st.SetPublisher(func(evs []watch.Event) { f.mu.Lock(); f.evs = append(f.evs, evs...); f.mu.Unlock() })
	svc, err := New(Options{Store: f.st, Fetcher: fetcher, Platforms: testPlatforms, RequireCapture: true, Now: f.clock.Now, Logger: watchtest.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	return f
}

func (f *fixture) events(typ string) []watch.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []watch.Event
	for _, e := range f.evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func (f *fixture) hit(t *testing.T, url string) watch.HitView {
	t.Helper()
	_, hits, err := f.st.RecordItem(context.Background(), watch.Item{SourceID: "s", Key: url, URL: url, Title: "drill video", Found: f.clock.Now()},
		[]watch.Hit{{ListID: "gangs", Terms: []string{"drill"}, Operations: []string{"op1"}, Found: f.clock.Now()}})
	if err != nil || len(hits) != 1 {
		t.Fatalf("record hit: %v %d", err, len(hits))
	}
	return hits[0]
}

func (f *fixture) capture(t *testing.T, url string, hitID int64) int64 {
	t.Helper()
	c, err := f.st.AddCapture(context.Background(), evidence.Capture{URL: url, FinalURL: url, Status: 200, CapturedAt: f.clock.Now(),
		CapturedBy: "analyst", Tool: "test", HitID: hitID, Operation: "op1", Note: "before referral"},
		evidence.Act{At: f.clock.Now(), Actor: "analyst", Action: evidence.ActCaptured})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func TestLifecycleAudited(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	h := f.hit(t, "https://tube.example/watch?v=1")
	_, err := f.svc.Refer(ctx, NewReferral{HitID: h.ID, Category: "threats", By: "officer"})
	if !errors.Is(err, ErrNoCapture) || !strings.Contains(err.Error(), "capture first") {
		t.Fatalf("refer before capture: %v", err)
	}
	if rs, _ := f.st.Referrals(ctx, watch.ReferralFilter{}); len(rs) != 0 {
		t.Fatalf("a refused referral was stored: %v", rs)
	}
	capID := f.capture(t, h.Item.URL, h.ID)
	r, err := f.svc.Refer(ctx, NewReferral{HitID: h.ID, Category: "threats", By: "officer"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Platform != "tube" || r.URL != h.Item.URL || r.CaptureID != capID || r.Operation != "op1" || r.Outcome != watch.OutcomePending ||
		!r.DueAt.Equal(t0.Add(7*24*time.Hour)) {
		t.Fatalf("referral %+v", r)
	}
	if _, err := f.svc.Refer(ctx, NewReferral{HitID: h.ID, Category: "dancing", By: "officer"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown category: %v", err)
	}
	f.clock.Add(26 * time.Hour)
	ref, out := "TF-4471", watch.OutcomeRemoved
	if _, err := f.svc.Change(ctx, r.ID, Update{Reference: &ref}, "liaison"); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Hour)
	got, err := f.svc.Change(ctx, r.ID, Update{Outcome: &out}, "officer2")
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != out || got.Reference != ref || !got.OutcomeAt.Equal(t0.Add(27*time.Hour)) || got.UpdatedBy != "officer2" {
		t.Errorf("after changes %+v", got)
	}
	bad := "vanished"
	if _, err := f.svc.Change(ctx, r.ID, Update{Outcome: &bad}, "officer2"); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad outcome: %v", err)
	}
	_, chs, _, err := f.svc.Referral(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, c := range chs {
		trail = append(trail, c.By+":"+c.Field+":"+c.Old+">"+c.New)
	}
	want := "officer:created:>tube https://tube.example/watch?v=1|liaison:reference:>TF-4471|officer2:outcome:pending>removed"
	if strings.Join(trail, "|") != want {
		t.Errorf("changes\n got %s\nwant %s", strings.Join(trail, "|"), want)
	}
	log, err := f.st.AuditLog(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, e := range log {
		if strings.HasPrefix(e.Target, "referral:") {
			acts = append(acts, e.Actor+":"+e.Action)
		}
	}
	if got := strings.Join(acts, ","); !strings.Contains(got, "officer:referral_add") || !strings.Contains(got, "liaison:referral_change") ||
		!strings.Contains(got, "officer2:referral_change") || len(acts) != 3 {
		t.Errorf("audit entries %s", got)
	}
	if err := f.st.VerifyAudit(ctx); err != nil {
		t.Error(err)
	}
	evs := f.events(watch.EventReferral)
	if len(evs) != 3 || evs[0].Operations[0] != "op1" {
		t.Fatalf("referral events %d %+v", len(evs), evs)
	}
	var last struct {
		Event    string
		Referral watch.Referral
	}
	if err := json.Unmarshal(evs[2].Data, &last); err != nil || last.Referral.Outcome != watch.OutcomeRemoved || last.Event != "changed" {
		t.Errorf("last event %s %v", evs[2].Data, err)
	}
}

func TestReferFromExhibitAndWithoutCaptureWhenAllowed(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	capID := f.capture(t, "https://gram.example/p/9", 0)
	k, err := f.st.OpenCase(ctx, evidence.Case{Reference: "42/1/26", Officer: "DC Jones", Purpose: "threats", OpenedAt: t0, OpenedBy: "analyst"})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := f.st.AddExhibit(ctx, evidence.Exhibit{CaseID: k.ID, CaptureID: capID, Producer: "Jane Smith", AddedAt: t0, AddedBy: "analyst", Retention: "standard"}, "JS",
		evidence.Act{At: t0, Actor: "analyst", Action: evidence.ActAddedToCase})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.svc.Refer(ctx, NewReferral{ExhibitID: ex.ID, By: "officer"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Platform != "gram" || r.URL != "https://gram.example/p/9" || r.CaptureID != capID || !r.DueAt.Equal(t0.Add(3*24*time.Hour)) {
		t.Errorf("from exhibit %+v", r)
	}
	f.svc.opts.RequireCapture = false
	if _, err := f.svc.Refer(ctx, NewReferral{Platform: "gram", URL: "https://gram.example/p/10", By: "officer"}); err != nil {
		t.Errorf("capture not required: %v", err)
	}
}

// TestFigures: a seeded set with known answers.
func TestFigures(t *testing.T) {
	day := 24 * time.Hour
	ref := func(id int64, platform, outcome string, removedAfter time.Duration) watch.Referral {
		r := watch.Referral{ID: id, Platform: platform, Outcome: outcome, At: t0}
		if outcome != watch.OutcomePending {
			r.OutcomeAt = t0.Add(removedAfter)
		}
		return r
	}
	rs := []watch.Referral{
		ref(1, "tube", watch.OutcomeRemoved, 1*day),
		ref(2, "tube", watch.OutcomeRemoved, 3*day),
		ref(3, "tube", watch.OutcomeRemoved, 10*day),
		ref(4, "tube", watch.OutcomeDeclined, 2*day),
		ref(5, "tube", watch.OutcomePending, 0),
		ref(6, "gram", watch.OutcomeRemoved, 2*day),
		ref(7, "gram", watch.OutcomeRemoved, 4*day),
		ref(8, "gram", watch.OutcomePending, 0),
		ref(9, "gone", watch.OutcomeRestricted, day),
	}
	obs := map[int64][]watch.ReferralObservation{
		// up on day 2 (too early to count), then up on day 8: still up
		3: {{At: t0.Add(2 * day), Observed: watch.ObservedUp}, {At: t0.Add(8 * day), Observed: watch.ObservedUp}},
		// gone on day 7 exactly: checked, not up
		4: {{At: t0.Add(7 * day), Observed: watch.ObservedGone}},
		// first check after a week says up, a later one gone: still counts up
		5: {{At: t0.Add(7*day + time.Hour), Observed: watch.ObservedUp}, {At: t0.Add(9 * day), Observed: watch.ObservedGone}},
		8: {{At: t0.Add(9 * day), Observed: watch.ObservedUnavailable}},
	}
	got := Compute(testPlatforms, rs, obs)
	if len(got) != 3 {
		t.Fatalf("figures %+v", got)
	}
	tube, gram, gone := got[0], got[1], got[2]
	if tube.Platform != "tube" || tube.Referrals != 5 || tube.Removed != 3 || tube.RemovalRate != 0.6 ||
		tube.MedianToRemoval != 3*day || tube.StillUp != 2 || tube.Checked != 3 {
		t.Errorf("tube %+v", tube)
	}
	if gram.Referrals != 3 || gram.Removed != 2 || gram.MedianToRemoval != 3*day || gram.StillUp != 0 || gram.Checked != 1 {
		t.Errorf("gram %+v", gram)
	}
	if gone.Platform != "gone" || gone.Name != "gone" || gone.Removed != 0 || gone.HasMedian || gone.RemovalRate != 0 {
		t.Errorf("unconfigured platform %+v", gone)
	}
}

// TestLedgerThroughStore: the same figures from stored referrals, and the filters.
func TestLedgerThroughStore(t *testing.T) {
	f := newFixture(t, nil)
	f.svc.opts.RequireCapture = false
	ctx := context.Background()
	mk := func(url string) watch.Referral {
		r, err := f.svc.Refer(ctx, NewReferral{URL: url, By: "officer"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b, c := mk("https://tube.example/a"), mk("https://tube.example/b"), mk("https://gram.example/c")
	removed := watch.OutcomeRemoved
	f.clock.Add(48 * time.Hour)
	if _, err := f.svc.Change(ctx, a.ID, Update{Outcome: &removed}, "officer"); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(48 * time.Hour)
	if _, err := f.svc.Change(ctx, c.ID, Update{Outcome: &removed}, "officer"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.AddReferralObservation(ctx, watch.ReferralObservation{ReferralID: b.ID, At: t0.Add(8 * 24 * time.Hour), Observed: watch.ObservedUp, Status: 200}); err != nil {
		t.Fatal(err)
	}
	l, err := f.svc.Ledger(ctx, watch.ReferralFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Referrals) != 3 || len(l.Figures) != 2 {
		t.Fatalf("ledger %+v", l)
	}
	if tf := l.Figures[0]; tf.Referrals != 2 || tf.Removed != 1 || tf.MedianToRemoval != 48*time.Hour || tf.StillUp != 1 || tf.RemovalRate != 0.5 {
		t.Errorf("tube %+v", tf)
	}
	if gf := l.Figures[1]; gf.MedianToRemoval != 96*time.Hour {
		t.Errorf("gram %+v", gf)
	}
	for _, tt := range []struct {
		f    watch.ReferralFilter
		want int
	}{
		{watch.ReferralFilter{Platform: "tube"}, 2},
		{watch.ReferralFilter{Outcome: watch.OutcomePending}, 1},
		{watch.ReferralFilter{From: t0.Add(time.Hour)}, 0},
		{watch.ReferralFilter{To: t0.Add(time.Second)}, 3},
		{watch.ReferralFilter{Operation: "op9"}, 0},
	} {
		rs, err := f.st.Referrals(ctx, tt.f)
		if err != nil || len(rs) != tt.want {
			t.Errorf("filter %+v: %d referrals, want %d (%v)", tt.f, len(rs), tt.want, err)
		}
	}
	if r, _ := f.st.Referral(ctx, b.ID); r.Outcome != watch.OutcomePending || r.Observed != watch.ObservedUp {
		t.Errorf("an observation must sit beside the outcome: %+v", r)
	}
}

func loopbackFetcher(t *testing.T) *fetch.Client {
	c, err := fetch.New(fetch.Options{Timeout: 5 * time.Second, UserAgent: "watchroom-test", PerHostRate: rate.Limit(100), PerHostBurst: 10, PerHostConcurrency: 4, Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRemovalCheck: a URL that starts answering 404 is seen gone, a
// platform's unavailable page by its marker, a failure as unknown with
// its class; the officer's outcome is never touched.
func TestRemovalCheck(t *testing.T) {
	var gone atomic.Bool
	var methods sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		methods.Store(r.Method, true)
		switch {
		case r.URL.Path == "/marker":
			w.Write([]byte("<html><h1>This video isn't available anymore</h1></html>"))
		case r.URL.Path == "/broken":
			w.WriteHeader(http.StatusBadGateway)
		case gone.Load():
			http.NotFound(w, r)
		default:
			w.Write([]byte("<html>the drill video</html>"))
		}
	}))
	defer srv.Close()
	f := newFixture(t, loopbackFetcher(t))
	f.svc.opts.RequireCapture = false
	ctx := context.Background()
	up, err := f.svc.Refer(ctx, NewReferral{Platform: "tube", URL: srv.URL + "/v/1", By: "officer"})
	if err != nil {
		t.Fatal(err)
	}
	marked, _ := f.svc.Refer(ctx, NewReferral{Platform: "tube", URL: srv.URL + "/marker", By: "officer"})
	broken, _ := f.svc.Refer(ctx, NewReferral{Platform: "tube", URL: srv.URL + "/broken", By: "officer"})
	decided, _ := f.svc.Refer(ctx, NewReferral{Platform: "tube", URL: srv.URL + "/v/2", By: "officer"})
	declined := watch.OutcomeDeclined
	if _, err := f.svc.Change(ctx, decided.ID, Update{Outcome: &declined}, "officer"); err != nil {
		t.Fatal(err)
	}
	n, err := f.svc.Check(ctx)
	if err != nil || n != 3 {
		t.Fatalf("checked %d (pending ones only): %v", n, err)
	}
	want := map[int64]string{up.ID: watch.ObservedUp, marked.ID: watch.ObservedUnavailable, broken.ID: watch.ObservedUnknown}
	for id, w := range want {
		r, _ := f.st.Referral(ctx, id)
		if r.Observed != w || r.Outcome != watch.OutcomePending || !r.ObservedAt.Equal(t0) {
			t.Errorf("referral %d: %+v, want observed %s", id, r, w)
		}
	}
	if r, _ := f.st.Referral(ctx, broken.ID); r.ObservedDetail != "http_5xx" {
		t.Errorf("unknown carries the error class: %q", r.ObservedDetail)
	}
	gone.Store(true)
	f.clock.Add(6 * time.Hour)
	if _, err := f.svc.Check(ctx); err != nil {
		t.Fatal(err)
	}
	r, chs, obs, err := f.svc.Referral(ctx, up.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Observed != watch.ObservedGone || r.Outcome != watch.OutcomePending || len(obs) != 2 || obs[1].Status != 404 || len(chs) != 1 {
		t.Errorf("after 404: %+v obs %+v changes %d", r, obs, len(chs))
	}
	methods.Range(func(k, _ any) bool {
		if k != http.MethodGet {
			t.Errorf("a removal check sent %v", k)
		}
		return true
	})
	if evs := f.events(watch.EventReferral); len(evs) < 7 {
		t.Errorf("observations are timeline events too: %d", len(evs))
	}
}

func TestCSVEscaping(t *testing.T) {
	rs := []watch.Referral{{ID: 1, At: t0, By: "officer", Platform: "tube", URL: "https://tube.example/a", Reference: "=HYPERLINK(\"http://x\")",
		Outcome: watch.OutcomePending, Note: "+44 7700 900000", Category: "-threats"},
		{ID: 2, At: t0, By: "@officer", Platform: "tube", URL: "https://tube.example/b", Note: "plain, with a comma\nand a line", Outcome: "removed"}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(CSVHeader, ",") {
		t.Fatalf("rows %q", rows)
	}
	col := func(name string) int {
		for i, h := range CSVHeader {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return 0
	}
	checks := []struct {
		row       int
		col, want string
	}{
		{1, "platform_reference", `'=HYPERLINK("http://x")`},
		{1, "note", "'+44 7700 900000"},
		{1, "category", "'-threats"},
		{2, "referred_by", "'@officer"},
		{2, "note", "plain, with a comma\nand a line"},
		{1, "url", "https://tube.example/a"},
		{1, "referred_at", "2026-03-02T09:00:00Z"},
	}
	for _, c := range checks {
		if got := rows[c.row][col(c.col)]; got != c.want {
			t.Errorf("row %d %s = %q, want %q", c.row, c.col, got, c.want)
		}
	}
	for _, s := range []string{"=1", "+1", "-1", "@1", "\t1", "\r1"} {
		if SafeCell(s)[0] != '\'' {
			t.Errorf("SafeCell(%q) = %q", s, SafeCell(s))
		}
	}
	if SafeCell("a=1") != "a=1" || SafeCell("") != "" {
		t.Error("SafeCell changes safe cells")
	}
}
