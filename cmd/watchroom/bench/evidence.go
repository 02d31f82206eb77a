package bench

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/store"
)

// benchEvidence times captures of a local page, raw and (with Chromium)
// rendered, and the export of a case of many exhibits as a signed package.
func benchEvidence(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench evidence", flag.ContinueOnError)
	fs.SetOutput(stderr)
	raw := fs.Int("captures", 500, "raw captures of the local page; each becomes an exhibit of the exported case")
	rendered := fs.Int("rendered", 5, "captures rendered in Chromium (a fresh browser each)")
	render := fs.String("render", "auto", "auto: render when Chromium is installed; off: raw captures only")
	dir := fs.String("dir", "", "directory for the database and files (default: a temporary one, removed after)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *raw < 1 || *rendered < 0 || (*render != "auto" && *render != "off") {
		fmt.Fprintln(stderr, "watchroom bench evidence: --captures must be positive, --rendered not negative, --render auto or off")
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "watchroom bench evidence: %v\n", err)
		return 1
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "watchroom-bench-evidence-")
		if err != nil {
			return fail(err)
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	site, err := localPage()
	if err != nil {
		return fail(err)
	}
	defer site.Close()
	base := "http://" + site.Addr
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(ctx, filepath.Join(*dir, "evidence.db"), quiet, store.Options{})
	if err != nil {
		return fail(err)
	}
	defer st.Close()
	client, err := fetch.New(fetch.Options{UserAgent: "watchroom-bench/1.0", PerHostRate: rate.Inf, PerHostConcurrency: 64,
		Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		return fail(err)
	}
	svc, err := evidence.New(st, client, quiet, evidence.Options{DataDir: *dir})
	if err != nil {
		return fail(err)
	}

	k, err := svc.OpenCase(ctx, evidence.NewCase{Reference: "BENCH/1", Officer: "DC Jones", Purpose: "benchmark", By: "bench"})
	if err != nil {
		return fail(err)
	}
	start := time.Now()
	ids := make([]int64, 0, *raw)
	for i := range *raw {
		c, err := svc.Capture(ctx, evidence.CaptureRequest{URL: fmt.Sprintf("%s/p/%d", base, i), By: "bench", Note: "benchmark"})
		if err != nil {
			return fail(err)
		}
		ids = append(ids, c.ID)
	}
	rawTook := time.Since(start)
	rawPerS := float64(*raw) / rawTook.Seconds()
	fmt.Fprintf(stdout, "raw: %d captures in %v (fetch, WARC, file synced, rows committed)\n", *raw, rawTook.Round(time.Millisecond))

	renderedPerS, renderedDone := 0.0, 0
	var browser *evidence.Browser
	if *render == "auto" && *rendered > 0 {
		browser, err = evidence.NewBrowser(evidence.BrowserOptions{Vet: client.Vet})
	}
	switch {
	case *render == "off" || *rendered == 0:
		fmt.Fprintln(stdout, "rendered: not measured (--render off or --rendered 0)")
	case err != nil:
		fmt.Fprintf(stdout, "rendered: not measured: %v; captures are made without rendering\n", err)
	default:
		rsvc, err := evidence.New(st, client, quiet, evidence.Options{DataDir: *dir, Renderer: browser})
		if err != nil {
			return fail(err)
		}
		start = time.Now()
		for i := range *rendered {
			c, err := rsvc.Capture(ctx, evidence.CaptureRequest{URL: fmt.Sprintf("%s/r/%d", base, i), By: "bench", Note: "benchmark"})
			if err != nil {
				return fail(err)
			}
			if !c.Rendered {
				return fail(fmt.Errorf("capture %d not rendered: %s", c.ID, c.RenderNote))
			}
		}
		took := time.Since(start)
		renderedPerS, renderedDone = float64(*rendered)/took.Seconds(), *rendered
		fmt.Fprintf(stdout, "rendered: %d captures in %v (a fresh Chromium each: screenshot and PDF)\n", *rendered, took.Round(time.Millisecond))
	}

	for _, id := range ids {
		if _, err := svc.AddExhibit(ctx, evidence.NewExhibit{CaseID: k.ID, CaptureID: id, Producer: "Jane Smith", By: "bench"}); err != nil {
			return fail(err)
		}
	}
	pkg := filepath.Join(*dir, "case.zip")
	start = time.Now()
	out, err := svc.ExportFile(ctx, k.ID, "bench", pkg)
	if err != nil {
		return fail(err)
	}
	exportTook := time.Since(start)
	rep, err := evidence.Verify(pkg, evidence.VerifyOptions{})
	if err != nil {
		return fail(err)
	}
	if err := rep.Err(); err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "export: %d exhibits, %d files, %.2f MiB in %v; the package verifies\n", out.Exhibits, out.Files,
		float64(out.Size)/(1<<20), exportTook.Round(time.Millisecond))
	fmt.Fprintf(stdout, "evidence captures=%d raw_per_s=%.1f rendered_per_s=%.2f export_%d_s=%.2f\n", *raw+renderedDone,
		rawPerS, renderedPerS, len(ids), exportTook.Seconds())
	return 0
}

// localPage serves a small page on loopback; /p/N and /r/N differ by N.
func localPage() (*http.Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Addr: ln.Addr().String(), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><title>Post</title></head><body><h1>Free party</h1>"+
			"<p>Meet at the car park at ten, bring everyone: sound system, lights, the lot. %s</p></body></html>", r.URL.Path)
	})}
	go srv.Serve(ln)
	return srv, nil
}
