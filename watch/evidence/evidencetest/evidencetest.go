// Package evidencetest makes real signed case packages and altered copies
// of them, for the tests of the commands and pages that verify packages.
// Imported by tests only.
package evidencetest

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/store"
)

// Site serves two pages on loopback: /post/1 redirects to /p/1.
func Site() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/post/1", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/p/1", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/p/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><title>Post</title><p>Meet at the car park, bring everyone. "+r.URL.Path+"</p>")
	})
	return mux
}

// LoopbackFetcher is a fetch client allowed to reach 127.0.0.1.
func LoopbackFetcher(tb testing.TB) *fetch.Client {
	tb.Helper()
	f, err := fetch.New(fetch.Options{UserAgent: "watchroom-test/1.0", PerHostRate: rate.Inf, PerHostConcurrency: 64,
		Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// Package captures two pages of Site, makes them exhibits JS/1 and JS/2
// of case 42/1234/26 and exports the case, with the key kept under
// dataDir. It returns the package's path and the signing key.
func Package(tb testing.TB, dataDir string) (string, evidence.Key) {
	tb.Helper()
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(ctx, filepath.Join(tb.TempDir(), "watchroom.db"), quiet, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(Site())
	defer srv.Close()
	svc, err := evidence.New(st, LoopbackFetcher(tb), quiet, evidence.Options{DataDir: dataDir, Tool: "watchroom test"})
	if err != nil {
		tb.Fatal(err)
	}
	k, err := svc.OpenCase(ctx, evidence.NewCase{Reference: "42/1234/26", Officer: "DC Jones", Purpose: "Public Order Act 1986 s.4", By: "jsmith"})
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range []string{"/post/1", "/p/2"} {
		c, err := svc.Capture(ctx, evidence.CaptureRequest{URL: srv.URL + p, By: "jsmith", Note: "post inciting a gathering"})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := svc.AddExhibit(ctx, evidence.NewExhibit{CaseID: k.ID, CaptureID: c.ID, Producer: "Jane Smith", By: "jsmith"}); err != nil {
			tb.Fatal(err)
		}
	}
	path := filepath.Join(tb.TempDir(), "case.zip")
	if _, err := svc.ExportFile(ctx, k.ID, "jsmith", path); err != nil {
		tb.Fatal(err)
	}
	key, err := svc.PublicKey()
	if err != nil {
		tb.Fatal(err)
	}
	return path, key
}

// Alteration is one way of tampering with a package, and the words a
// verification must name it by.
type Alteration struct {
	Name   string
	Alter  func(order *[]string, files map[string][]byte)
	Kind   string // evidence.Problem kind
	Naming string
}

// Alterations of a package made by Package.
func Alterations() []Alteration {
	return []Alteration{
		{"changed byte", func(_ *[]string, f map[string][]byte) {
			b := f["exhibits/JS-2/capture.warc"]
			b[len(b)/2] ^= 0x01
		}, evidence.ProblemChanged, "exhibits/JS-2/capture.warc"},
		{"removed file", func(_ *[]string, f map[string][]byte) {
			delete(f, "exhibits/JS-1/exhibit-sheet.pdf")
		}, evidence.ProblemMissing, "exhibits/JS-1/exhibit-sheet.pdf"},
		{"added file", func(o *[]string, f map[string][]byte) {
			*o = append(*o, "exhibits/JS-1/extra.txt")
			f["exhibits/JS-1/extra.txt"] = []byte("planted")
		}, evidence.ProblemAdded, "exhibits/JS-1/extra.txt"},
		{"truncated custody log", func(_ *[]string, f map[string][]byte) {
			lines := bytes.SplitAfter(f["exhibits/JS-1/custody.jsonl"], []byte("\n"))
			f["exhibits/JS-1/custody.jsonl"] = bytes.Join(lines[:len(lines)-2], nil) // the last entry gone
		}, evidence.ProblemCustody, "cut short"},
	}
}

// Alter writes a copy of the package at path with a applied, and returns
// the copy's path.
func Alter(tb testing.TB, path string, a Alteration) string {
	tb.Helper()
	order, files := Unzip(tb, path)
	a.Alter(&order, files)
	return Rezip(tb, order, files)
}

// Unzip reads a package into its files, and their order.
func Unzip(tb testing.TB, path string) ([]string, map[string][]byte) {
	tb.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer zr.Close()
	var order []string
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		order = append(order, f.Name)
		files[f.Name] = b
	}
	return order, files
}

// Rezip writes files as a package at a new path.
func Rezip(tb testing.TB, order []string, files map[string][]byte) string {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range order {
		data, ok := files[n]
		if !ok {
			continue
		}
		w, err := zw.Create(n)
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(tb.TempDir(), "altered.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}
