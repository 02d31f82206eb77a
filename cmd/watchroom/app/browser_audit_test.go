package app

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// An admin lists the audit log, filters it by actor and action, and
// exports what the filter picks; the export is itself in the log.
func TestBrowserAuditPage(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	addUser(t, a, "root", watch.RoleAdmin)
	officer, admin := newTab(t), newTab(t)
	officer.signIn(t, base, "pc1", "op1")
	if err := a.store.Audit(context.Background(), watch.AuditEntry{Actor: "pc1", Action: "search", Target: "board:op1", Detail: "=HYPERLINK(\"x\")"}); err != nil {
		t.Fatal(err)
	}
	admin.signIn(t, base, "root", "all")
	admin.run(t, "the log", chromedp.Navigate(base+"/audit"), chromedp.WaitVisible(`#audit-entries`, chromedp.ByQuery))
	var actors []string
	admin.run(t, "actors", chromedp.Evaluate(`Array.from(document.querySelectorAll("#audit-entries td.actor")).map(function (td) { return td.textContent; })`, &actors))
	for _, want := range []string{"pc1", "root", "system"} {
		found := false
		for _, a := range actors {
			found = found || a == want
		}
		if !found {
			t.Errorf("the list lacks an entry by %s: %v", want, actors)
		}
	}

	admin.run(t, "filter",
		chromedp.SendKeys(`#au-actor`, "pc1", chromedp.ByQuery),
		chromedp.SendKeys(`#au-action`, "board_view", chromedp.ByQuery),
		chromedp.Click(`#audit-apply`, chromedp.ByQuery),
		chromedp.WaitVisible(`#audit-entries`, chromedp.ByQuery),
		chromedp.WaitVisible(`#audit-filter[data-query*="actor=pc1"]`, chromedp.ByQuery))
	var rows []string
	admin.run(t, "filtered rows", chromedp.Evaluate(`Array.from(document.querySelectorAll("#audit-entries tbody tr")).map(function (tr) {
		return tr.querySelector(".actor").textContent + " " + tr.querySelector(".action").textContent + " " + tr.querySelector(".object").textContent; })`, &rows))
	if len(rows) == 0 {
		t.Fatal("the filter shows nothing")
	}
	for _, r := range rows {
		if !strings.HasPrefix(r, "pc1 board_view board:") {
			t.Errorf("the filter shows %q", r)
		}
	}

	var csvText, jsonl string
	admin.run(t, "export CSV", chromedp.Evaluate(`fetch(document.getElementById("export-csv").href).then(function (r) { return r.text(); })`, &csvText,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	lines := strings.Split(strings.TrimSpace(csvText), "\n")
	if lines[0] != "id,at,actor,action,object,detail,hash" || len(lines) != len(rows)+1 {
		t.Fatalf("CSV of %d rows, want a header and %d:\n%s", len(lines), len(rows), csvText)
	}
	for _, l := range lines[1:] {
		if !strings.Contains(l, ",pc1,board_view,board:") {
			t.Errorf("CSV row %q", l)
		}
	}
	admin.run(t, "filter on searches",
		chromedp.SetValue(`#au-action`, "search", chromedp.ByQuery),
		chromedp.Click(`#audit-apply`, chromedp.ByQuery),
		chromedp.WaitVisible(`#audit-filter[data-query*="action=search"]`, chromedp.ByQuery))
	admin.run(t, "export JSON lines",
		chromedp.Evaluate(`fetch(document.getElementById("export-jsonl").href).then(function (r) { return r.text(); })`, &jsonl,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if n := strings.Count(jsonl, "\n"); n != 1 || !strings.Contains(jsonl, `"action":"search"`) || !strings.Contains(jsonl, `=HYPERLINK`) {
		t.Fatalf("JSON lines:\n%s", jsonl)
	}
	log, _ := a.store.SearchAudit(context.Background(), watch.AuditFilter{Actor: "root", Action: "audit_export"})
	if len(log) != 2 || !strings.Contains(log[1].Detail, "format=csv") || !strings.Contains(log[0].Detail, "format=jsonl") {
		t.Fatalf("the exports were not audited: %+v", log)
	}
	if n := admin.errors.Load(); n != 0 {
		t.Errorf("%d page errors", n)
	}
}
