package evidence_test

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch/evidence"
)

// browserPath finds Chromium, or skips; under CI=true a missing browser
// is a failure.
func browserPath(t *testing.T) string {
	t.Helper()
	p, err := evidence.FindBrowser()
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but no Chromium is installed")
	}
	t.Skip("no Chromium here")
	return ""
}

// inside is a server on 127.0.0.2: loopback, so nothing leaves this
// machine, but not on the tests' allow-list (127.0.0.1/32), so it stands
// for an address on the private network. It counts what reaches it.
func inside(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "internal")
	}))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &hits
}

func pages(private string) http.Handler {
	mux := http.NewServeMux()
	html := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!doctype html><html><head><title>t</title></head><body>"+body+"</body></html>")
	}
	mux.HandleFunc("/normal", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<h1>Gathering at noon</h1><p>Bring friends.</p>`)
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<div style="height:60000px;background:linear-gradient(red,blue)">tall</div>`)
	})
	mux.HandleFunc("/scroll", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<div id="feed"></div><script src="/scroll.js"></script>`)
	})
	mux.HandleFunc("/scroll.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, `function more(){for(let i=0;i<20;i++){const d=document.createElement('p');d.style.height='200px';d.textContent='post';document.getElementById('feed').appendChild(d);}}
more();window.addEventListener('scroll',more);setInterval(function(){more();window.scrollTo(0,document.body.scrollHeight);},20);`)
	})
	mux.HandleFunc("/dialogs", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<p>dialogs</p><script src="/dialogs.js"></script>`)
	})
	mux.HandleFunc("/dialogs.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, `alert('first');confirm('second?');prompt('third?');`)
	})
	mux.HandleFunc("/reaches-in", func(w http.ResponseWriter, r *http.Request) {
		html(w, `<p>outside</p><img src="`+private+`/pixel.png"><iframe src="`+private+`/frame"></iframe><script>fetch('`+private+`/api').catch(function(){});</script>`)
	})
	mux.HandleFunc("/redirects-in", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, private+"/admin", http.StatusFound)
	})
	mux.HandleFunc("/download", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Disposition", `attachment; filename="x.bin"`)
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(bytes.Repeat([]byte{1}, 1000))
	})
	return mux
}

func newBrowser(t *testing.T, opts evidence.BrowserOptions) *evidence.Browser {
	t.Helper()
	opts.ExecPath = browserPath(t)
	opts.Vet = newFetcher(t, true).Vet
	if opts.Timeout == 0 {
		opts.Timeout = 90 * time.Second // two shared cores: generous
	}
	b, err := evidence.NewBrowser(opts)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func pngHeight(t *testing.T, b []byte) int {
	t.Helper()
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	return cfg.Height
}

func TestRenderPages(t *testing.T) {
	b := newBrowser(t, evidence.BrowserOptions{MaxHeight: 4000, LoadWait: 10 * time.Second})
	private, privateHits := inside(t)
	srv := httptest.NewServer(pages(private.URL))
	defer srv.Close()
	ctx := context.Background()

	if v, err := b.Available(ctx); err != nil || v == "" {
		t.Fatalf("Available = %q, %v", v, err)
	}

	t.Run("normal", func(t *testing.T) {
		r, err := b.Render(ctx, srv.URL+"/normal")
		if err != nil {
			t.Fatal(err)
		}
		if h := pngHeight(t, r.Screenshot); h < 100 || h > 4000 {
			t.Errorf("screenshot height %d", h)
		}
		if !bytes.HasPrefix(r.PDF, []byte("%PDF-")) {
			t.Error("no PDF")
		}
		if len(r.Notes) != 0 {
			t.Errorf("notes on a plain page: %v", r.Notes)
		}
	})
	t.Run("huge page is cut at the height limit", func(t *testing.T) {
		r, err := b.Render(ctx, srv.URL+"/huge")
		if err != nil {
			t.Fatal(err)
		}
		if h := pngHeight(t, r.Screenshot); h != 4000 {
			t.Errorf("screenshot height %d, want the 4000 px limit", h)
		}
		if !strings.Contains(strings.Join(r.Notes, ";"), "the screenshot shows its top 4000 px") {
			t.Errorf("notes %v do not say the page was cut", r.Notes)
		}
	})
	t.Run("infinite scroll ends within the limits", func(t *testing.T) {
		r, err := b.Render(ctx, srv.URL+"/scroll")
		if err != nil {
			t.Fatal(err)
		}
		// The feed grows without end; the rendering stops at the limit.
		if h := pngHeight(t, r.Screenshot); h != 4000 {
			t.Errorf("screenshot height %d, want the 4000 px limit", h)
		}
		if !strings.Contains(strings.Join(r.Notes, ";"), "the screenshot shows its top 4000 px") {
			t.Errorf("notes %v do not say the page was cut", r.Notes)
		}
	})
	t.Run("dialogs are dismissed", func(t *testing.T) {
		r, err := b.Render(ctx, srv.URL+"/dialogs")
		if err != nil {
			t.Fatal(err)
		}
		notes := strings.Join(r.Notes, ";")
		for _, want := range []string{`dialog (alert) was dismissed: "first"`, `dialog (confirm) was dismissed: "second?"`, `dialog (prompt) was dismissed: "third?"`} {
			if !strings.Contains(notes, want) {
				t.Errorf("notes %q lack %q", notes, want)
			}
		}
		if r.Screenshot == nil {
			t.Error("no screenshot after the dialogs")
		}
	})
	t.Run("requests to a private address are refused", func(t *testing.T) {
		r, err := b.Render(ctx, srv.URL+"/reaches-in")
		if err != nil {
			t.Fatal(err)
		}
		notes := strings.Join(r.Notes, ";")
		for _, want := range []string{private.URL + "/pixel.png", private.URL + "/frame", private.URL + "/api"} {
			if !strings.Contains(notes, "a request was refused: "+want) {
				t.Errorf("notes %q do not name the refused %s", notes, want)
			}
		}
		if n := privateHits.Load(); n != 0 {
			t.Errorf("the private server was reached %d times", n)
		}
	})
	t.Run("a redirect to a private address is refused", func(t *testing.T) {
		_, err := b.Render(ctx, srv.URL+"/redirects-in")
		if err == nil || !strings.Contains(err.Error(), "BLOCKED_BY_CLIENT") {
			t.Errorf("err = %v, want the navigation blocked", err)
		}
		if n := privateHits.Load(); n != 0 {
			t.Errorf("the private server was reached %d times", n)
		}
	})
	t.Run("a download is not a page", func(t *testing.T) {
		if _, err := b.Render(ctx, srv.URL+"/download"); err == nil {
			t.Error("a download rendered")
		}
	})
}

func TestCaptureWithRendering(t *testing.T) {
	b := newBrowser(t, evidence.BrowserOptions{})
	r := newRig(t, evidence.Options{Renderer: b})
	c := r.capture(t, "/p/1")
	shot, ok1 := c.Artefact(evidence.KindScreenshot)
	pdf, ok2 := c.Artefact(evidence.KindPDF)
	if !c.Rendered || !ok1 || !ok2 || shot.MediaType != "image/png" || pdf.MediaType != "application/pdf" {
		t.Fatalf("capture = %+v", c)
	}
}

func TestCaptureWithoutAUsableBrowserSaysSo(t *testing.T) {
	b, err := evidence.NewBrowser(evidence.BrowserOptions{ExecPath: "/nonexistent/chromium", Vet: newFetcher(t, true).Vet, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Available(context.Background()); err == nil {
		t.Error("Available with no browser: want an error")
	}
	r := newRig(t, evidence.Options{Renderer: b})
	c := r.capture(t, "/p/1")
	if c.Rendered || !strings.HasPrefix(c.RenderNote, "not rendered: ") || len(c.Artefacts) != 1 {
		t.Errorf("capture without a browser = rendered %v, note %q, %d files", c.Rendered, c.RenderNote, len(c.Artefacts))
	}
}
