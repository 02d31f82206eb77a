package evidence

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ErrNoBrowser is returned when no Chromium can be found.
var ErrNoBrowser = errors.New("no headless Chromium found")

// BrowserOptions configure a Browser. Vet is required.
type BrowserOptions struct {
	// ExecPath is the browser; default the first of chromium,
	// chromium-browser, google-chrome found on PATH.
	ExecPath string
	// Vet is the network guard: it is asked about every request the page
	// makes, before it is sent, and a request it refuses fails. Pass
	// (*fetch.Client).Vet, so the fetcher's allow-list applies.
	Vet func(ctx context.Context, rawURL string) error
	// Timeout bounds one whole rendering (default 60s); LoadWait is how
	// long the page may take to fire its load event (default 20s) before
	// it is rendered as it stands.
	Timeout, LoadWait time.Duration
	// Width is the viewport's width in CSS pixels (default 1280);
	// MaxHeight cuts the screenshot of a taller page (default 16000).
	Width, MaxHeight int
	// MaxBytes caps each file (default 25 MiB): a larger one is dropped.
	MaxBytes int
	// MaxPDFPages is the most pages the PDF prints (default 40).
	MaxPDFPages int
	UserAgent   string
}

func (o BrowserOptions) withDefaults() (BrowserOptions, error) {
	if o.Vet == nil {
		return o, fmt.Errorf("evidence: %w: a browser needs the network guard (Vet)", ErrInvalid)
	}
	if o.ExecPath == "" {
		p, err := FindBrowser()
		if err != nil {
			return o, err
		}
		o.ExecPath = p
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.LoadWait <= 0 {
		o.LoadWait = 20 * time.Second
	}
	if o.Width <= 0 {
		o.Width = 1280
	}
	if o.MaxHeight <= 0 {
		o.MaxHeight = 16000
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 25 << 20
	}
	if o.MaxPDFPages <= 0 {
		o.MaxPDFPages = 40
	}
	return o, nil
}

// FindBrowser returns the path of a Chromium on PATH.
func FindBrowser() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// Browser renders pages in headless Chromium, a fresh browser with a
// fresh profile for each page, with every request the page makes vetted
// by the network guard, downloads denied, dialogs dismissed, websockets
// refused and the time, height and size of what it makes bounded.
type Browser struct {
	opts BrowserOptions
}

// NewBrowser checks the options and finds the browser; it does not start it.
func NewBrowser(opts BrowserOptions) (*Browser, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Browser{opts: opts}, nil
}

// Available starts the browser once and returns its version, for
// `watchroom check`: an error means captures will be made without
// rendering.
func (b *Browser) Available(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.Timeout)
	defer cancel()
	ctx, done, err := b.start(ctx)
	if err != nil {
		return "", err
	}
	defer done()
	var product string
	err = chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, p, _, _, _, err := browser.GetVersion().Do(ctx)
		product = p
		return err
	}))
	if err != nil {
		return "", fmt.Errorf("start %s: %w", b.opts.ExecPath, err)
	}
	return product, nil
}

// start launches a browser with its own profile; done stops it and
// removes the profile.
func (b *Browser) start(ctx context.Context) (context.Context, func(), error) {
	profile, err := os.MkdirTemp("", "watchroom-render-")
	if err != nil {
		return nil, nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(b.opts.ExecPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile), chromedp.WindowSize(b.opts.Width, 900),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true), chromedp.Flag("mute-audio", true), chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("dns-prefetch-disable", true), chromedp.Flag("disable-breakpad", true),
		// Frames from other sites stay in the page's process, so the
		// page's request interception sees their requests too.
		chromedp.Flag("disable-site-isolation-trials", true),
		chromedp.Flag("disable-features", "IsolateOrigins,site-per-process,MediaRouter,OptimizationHints,Translate"),
	}
	if b.opts.UserAgent != "" {
		opts = append(opts, chromedp.UserAgent(b.opts.UserAgent))
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancel := chromedp.NewContext(alloc)
	done := func() {
		cancel()
		cancelAlloc()
		_ = os.RemoveAll(profile) // best effort: helpers may still be writing
	}
	if err := chromedp.Run(bctx); err != nil {
		done()
		return nil, nil, fmt.Errorf("start %s: %w", b.opts.ExecPath, err)
	}
	return bctx, done, nil
}

// notes collects what happened during a rendering, from event handlers.
type notes struct {
	mu   sync.Mutex
	list []string
	seen map[string]bool
}

func (n *notes) add(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.seen == nil {
		n.seen = map[string]bool{}
	}
	if n.seen[s] || len(n.list) >= 20 {
		return
	}
	n.seen[s] = true
	n.list = append(n.list, s)
}

func (n *notes) all() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.list...)
}

// Render loads rawURL and returns a full-page PNG screenshot (cut at
// MaxHeight) and a PDF (at most MaxPDFPages pages). The top-level page
// being refused or failing is an error; anything less (a refused
// resource, a dialog, a cut) is a note.
func (b *Browser) Render(ctx context.Context, rawURL string) (Rendering, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.Timeout)
	defer cancel()
	if err := b.opts.Vet(ctx, rawURL); err != nil {
		return Rendering{}, err
	}
	bctx, done, err := b.start(ctx)
	if err != nil {
		return Rendering{}, err
	}
	defer done()

	var n notes
	loaded := make(chan struct{})
	var loadOnce sync.Once
	chromedp.ListenTarget(bctx, func(ev any) {
		switch e := ev.(type) {
		case *fetch.EventRequestPaused:
			go b.decide(bctx, e, &n)
		case *page.EventJavascriptDialogOpening:
			n.add("a dialog (%s) was dismissed: %q", e.Type, clip(e.Message, 200))
			go func() { _ = chromedp.Run(bctx, page.HandleJavaScriptDialog(false)) }()
		case *page.EventLoadEventFired:
			loadOnce.Do(func() { close(loaded) })
		}
	})

	chromedp.ListenBrowser(bctx, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadWillBegin); ok {
			n.add("a download was refused: %s", clip(e.URL, 300))
		}
	})

	var out Rendering
	err = chromedp.Run(bctx,
		&browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorDeny, EventsEnabled: true},
		network.Enable(),
		network.SetBypassServiceWorker(true),
		&network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{
			{URLPattern: "ws://*:*/*", Block: true}, {URLPattern: "wss://*:*/*", Block: true}}},
		&fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*", RequestStage: fetch.RequestStageRequest}}},
		page.Enable(),
		emulation.SetDeviceMetricsOverride(int64(b.opts.Width), 900, 1, false),
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, _, errText, isDownload, err := page.Navigate(rawURL).Do(ctx)
			if err != nil {
				return err
			}
			if isDownload {
				return fmt.Errorf("the address is a download, not a page")
			}
			if errText != "" {
				return fmt.Errorf("the page did not load: %s", errText)
			}
			timer := time.NewTimer(b.opts.LoadWait)
			defer timer.Stop()
			select {
			case <-loaded:
			case <-timer.C:
				n.add("the page had not finished loading after %s; it is rendered as it stood", b.opts.LoadWait)
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		}),
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, _, _, _, _, size, err := page.GetLayoutMetrics().Do(ctx)
			if err != nil {
				return err
			}
			w, h := math.Ceil(size.Width), math.Ceil(size.Height)
			if w < 1 || h < 1 {
				w, h = float64(b.opts.Width), 900
			}
			w = math.Min(w, float64(4*b.opts.Width))
			if h > float64(b.opts.MaxHeight) {
				n.add("the page is %.0f px tall; the screenshot shows its top %d px", h, b.opts.MaxHeight)
				h = float64(b.opts.MaxHeight)
			}
			shot, err := (&page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: true, FromSurface: true,
				Clip: &page.Viewport{X: 0, Y: 0, Width: w, Height: h, Scale: 1}}).Do(ctx)
			if err != nil {
				n.add("no screenshot: %v", err)
			} else if len(shot) > b.opts.MaxBytes {
				n.add("the screenshot (%d bytes) is over the %d byte limit and was not kept", len(shot), b.opts.MaxBytes)
			} else {
				out.Screenshot = shot
			}
			return nil
		}),
		chromedp.ActionFunc(func(ctx context.Context) error {
			pdf, _, err := (&page.PrintToPDFParams{PrintBackground: true, PageRanges: fmt.Sprintf("1-%d", b.opts.MaxPDFPages),
				PaperWidth: 8.27, PaperHeight: 11.69, MarginTop: 0.4, MarginBottom: 0.4, MarginLeft: 0.4, MarginRight: 0.4}).Do(ctx)
			switch {
			case err != nil:
				n.add("no PDF: %v", err)
			case len(pdf) > b.opts.MaxBytes:
				n.add("the PDF (%d bytes) is over the %d byte limit and was not kept", len(pdf), b.opts.MaxBytes)
			default:
				out.PDF = pdf
			}
			return nil
		}),
	)
	out.Notes = n.all()
	if err != nil {
		return out, fmt.Errorf("render %s: %w", rawURL, err)
	}
	if out.Screenshot == nil && out.PDF == nil {
		return out, fmt.Errorf("render %s: neither a screenshot nor a PDF could be made (%s)", rawURL, strings.Join(out.Notes, "; "))
	}
	return out, nil
}

// decide lets a paused request go on if the guard allows its URL, and
// fails it otherwise.
func (b *Browser) decide(ctx context.Context, e *fetch.EventRequestPaused, n *notes) {
	u := e.Request.URL
	if e.Request.URLFragment != "" {
		u += e.Request.URLFragment
	}
	if err := b.opts.Vet(ctx, u); err != nil {
		n.add("a request was refused: %s (%v)", clip(u, 300), err)
		_ = chromedp.Run(ctx, fetch.FailRequest(e.RequestID, network.ErrorReasonBlockedByClient))
		return
	}
	_ = chromedp.Run(ctx, fetch.ContinueRequest(e.RequestID))
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
