package app

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// The demand page draws every chart from the served options, each at a
// readable size with its table right under it, under the strict CSP.
func TestBrowserDemandCharts(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "ana1", watch.RoleAnalyst)
	if err := a.store.ImportRequests(context.Background(), DemoHistory(a.tasking, time.Now(), 60, 10*7*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t)
	tb.signInTo(t, base, "ana1", "#board")
	type box struct{ Top, Bottom, Width, Height float64 }
	var chart, table box
	var canvases, received int
	tb.run(t, "the demand page",
		chromedp.Navigate(base+"/demand"),
		chromedp.WaitVisible(`#demand[data-charts="drawn"]`, chromedp.ByQuery),
		chromedp.Evaluate(`(function(){var r=document.getElementById("chart-throughput").getBoundingClientRect();return {Top:r.top,Bottom:r.bottom,Width:r.width,Height:r.height};})()`, &chart),
		chromedp.Evaluate(`(function(){var r=document.getElementById("weeks").getBoundingClientRect();return {Top:r.top,Bottom:r.bottom,Width:r.width,Height:r.height};})()`, &table),
		chromedp.Evaluate(`document.querySelectorAll(".dchart canvas").length`, &canvases),
		chromedp.Evaluate(`Number(document.getElementById("received").textContent)`, &received))
	if chart.Height < 200 || chart.Width < 300 {
		t.Fatalf("throughput chart %+v", chart)
	}
	if table.Top < chart.Bottom {
		t.Fatalf("the weekly table (%+v) is not under its chart (%+v)", table, chart)
	}
	if canvases < 7 || received == 0 {
		t.Fatalf("%d charts drawn, %d received", canvases, received)
	}
	tb.run(t, "the quarterly report draws too",
		chromedp.Navigate(base+"/demand/report"),
		chromedp.WaitVisible(`#demand[data-charts="drawn"]`, chromedp.ByQuery))
	if tb.errors.Load() != 0 {
		t.Fatalf("page errors: %d", tb.errors.Load())
	}
}
