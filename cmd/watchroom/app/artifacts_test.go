package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// awaitPromise makes chromedp.Evaluate wait for the promise it returns.
func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// artifactDir is where browser tests keep screenshots: $TEST_ARTIFACTS,
// else $WATCHROOM_ARTIFACTS, else watchroom-test-artifacts in the
// system's temporary folder (t.TempDir is removed when the test ends).
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("TEST_ARTIFACTS")
	if dir == "" {
		dir = os.Getenv("WATCHROOM_ARTIFACTS")
	}
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "watchroom-test-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshotOnFailure keeps a screenshot of the tab as it is when the
// test ends failed, and logs its path.
func (tb *tab) screenshotOnFailure(t *testing.T, name string) {
	t.Helper()
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		var shot []byte
		ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
		defer cancel()
		if err := chromedp.Run(ctx, chromedp.CaptureScreenshot(&shot)); err != nil {
			t.Logf("no screenshot: %v", err)
			return
		}
		safe := strings.Map(func(r rune) rune {
			if r == '/' || r == ' ' {
				return '_'
			}
			return r
		}, t.Name()+"-"+name)
		path := filepath.Join(artifactDir(t), safe+".png")
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Logf("screenshot: %v", err)
			return
		}
		t.Logf("screenshot of the failure: %s", path)
	})
}
