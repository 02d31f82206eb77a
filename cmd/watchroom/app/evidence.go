package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/store"
)

// newEvidence builds the evidence service over the app's store and its one
// fetch client, with the browser when the config asks for rendering and
// Chromium is installed. The gate it returns stops the renderings in
// flight at Stop.
func newEvidence(f *config.File, st *store.Store, client *fetch.Client, logger *slog.Logger, now func() time.Time) (*evidence.Service, *renderGate, error) {
	opts := evidence.Options{DataDir: f.Server.DataDir, Now: now, UnattachedKeep: f.Evidence.Captures,
		Retention:      map[string]time.Duration{evidence.RetentionStandard: f.Evidence.Standard, evidence.RetentionExtended: f.Evidence.Extended},
		OpenCaseReview: f.Retention.OpenCase}
	gate := newRenderGate()
	if b, err := newBrowser(f, client); err == nil {
		gate.r = b
		opts.Renderer = gate
	} else {
		logger.Info("evidence captures will be made without rendering", "why", err)
	}
	svc, err := evidence.New(st, client, logger, opts)
	if err != nil {
		return nil, nil, err
	}
	return svc, gate, nil
}

// newBrowser is the Chromium renderer the config asks for, its every
// request vetted by the fetch client's guard.
func newBrowser(f *config.File, client *fetch.Client) (*evidence.Browser, error) {
	if f.Evidence.Render == config.RenderOff {
		return nil, fmt.Errorf("evidence.render is off")
	}
	return evidence.NewBrowser(evidence.BrowserOptions{Vet: client.Vet, UserAgent: f.Fetch.UserAgent})
}

// renderGate runs renderings under a context that Stop cancels, and waits
// for them, so no browser outlives the app.
type renderGate struct {
	r      evidence.Renderer
	base   context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

func newRenderGate() *renderGate {
	ctx, cancel := context.WithCancel(context.Background())
	return &renderGate{base: ctx, cancel: cancel}
}

func (g *renderGate) Render(ctx context.Context, rawURL string) (evidence.Rendering, error) {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return evidence.Rendering{}, fmt.Errorf("the console is stopping")
	}
	g.wg.Add(1)
	g.mu.Unlock()
	defer g.wg.Done()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(g.base, cancel)
	defer stop()
	return g.r.Render(ctx, rawURL)
}

// close stops the renderings in flight and waits for them.
func (g *renderGate) close(context.Context) error {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.cancel()
	g.wg.Wait()
	return nil
}

// pruneEvidence deletes old captures that are no exhibit and logs the
// exhibits due for review.
func (a *App) pruneEvidence(ctx context.Context) {
	n, err := a.evidence.Prune(ctx)
	if err != nil {
		a.log.Error("evidence retention", "err", err)
		return
	}
	reviews, err := a.evidence.Reviews(ctx)
	if err != nil {
		a.log.Error("evidence reviews", "err", err)
		return
	}
	due := 0
	for _, r := range reviews {
		if r.Due {
			due++
		}
	}
	if n > 0 || due > 0 {
		a.log.Info("evidence retention", "captures_deleted", n, "exhibits_due_for_review", due)
	}
}

// Evidence is the app's evidence service.
func (a *App) Evidence() *evidence.Service { return a.evidence }

// EvidenceKey prints the installation's public signing key (PEM) and its
// fingerprint, making the key pair first if there is none.
func EvidenceKey(f *config.File, w io.Writer) error {
	if err := os.MkdirAll(f.Server.DataDir, 0o700); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	k, err := evidence.LoadKey(evidence.KeyPath(f.Server.DataDir))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%sfingerprint: %s\n", k.PEM, k.Fingerprint)
	return err
}

// VerifyPackage checks a case package against the expected key (a
// fingerprint, or a PEM public key's file; neither: the key it carries)
// and writes what was checked, or every difference. It reports whether
// the package verifies; the error is for a package that cannot be read.
func VerifyPackage(path, fingerprint, pubKeyFile string, w io.Writer) (bool, error) {
	opts := evidence.VerifyOptions{Fingerprint: fingerprint}
	if pubKeyFile != "" {
		data, err := os.ReadFile(pubKeyFile)
		if err != nil {
			return false, err
		}
		opts.Key = data
	}
	rep, err := evidence.Verify(path, opts)
	if err != nil {
		return false, err
	}
	if !rep.OK() {
		fmt.Fprintf(w, "%s: DOES NOT VERIFY (%d problem(s))\n", path, len(rep.Problems))
		for _, p := range rep.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
		return false, nil
	}
	origin := "the key the package carries (pass --key or --pubkey to check who signed it)"
	if fingerprint != "" || pubKeyFile != "" {
		origin = "the expected key"
	}
	fmt.Fprintf(w, "%s: verified\n  package %s, case %s\n  %d exhibit(s), %d file(s) checked against SHA256SUMS and the manifest\n"+
		"  signatures of manifest.json and SHA256SUMS verified with %s, %s\n  custody logs: chains intact, each ending with this package's export\n",
		path, rep.PackageID, rep.Case, rep.Exhibits, rep.FilesChecked, rep.KeyFingerprint, origin)
	return true, nil
}

// BrowserCheck says whether evidence captures will be rendered in
// Chromium, in one plain line. It is never a failure.
func BrowserCheck(ctx context.Context, f *config.File) string {
	if f.Evidence.Render == config.RenderOff {
		return "evidence: rendering is off (evidence.render: off): captures will be made without rendering"
	}
	client, err := fetch.New(fetch.Options{UserAgent: f.Fetch.UserAgent})
	if err != nil {
		return "evidence: " + err.Error()
	}
	b, err := newBrowser(f, client)
	if err != nil {
		return fmt.Sprintf("evidence: Chromium not found (%v): captures will be made without rendering", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := b.Available(ctx)
	if err != nil {
		return fmt.Sprintf("evidence: Chromium does not start (%v): captures will be made without rendering", err)
	}
	return "evidence: captures are rendered in " + v
}
