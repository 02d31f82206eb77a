package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func writeCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"rss/feed.xml": `<?xml version="1.0" encoding="UTF-8"?><rss><channel>
<item><title>Drill night in Hackney</title><description>&lt;p&gt;Meet at the park tonight, &lt;b&gt;free party&lt;/b&gt; after.&lt;/p&gt;</description></item>
<item><title>Council meeting</title><description>The police board meets on Thursday to discuss the new community programme.</description></item>
</channel></rss>`,
		"jsonfeed/posts.json": `{"items":[{"title":"Festival weekend","content_text":"Thousands expected at the riverside festival despite warnings about overcrowding"}]}`,
		"ical/events.ics":     "BEGIN:VEVENT\nSUMMARY:Street gathering near the market\nDESCRIPTION:Organisers promise music\\, food and dancing\nEND:VEVENT\n",
		"README.md":           "not an item",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var benchLastLine = regexp.MustCompile(`^match terms=50 mb=\d+\.\d mbps=\d+\.\d regexp_mbps=\d+\.\d{3} speedup=\d+\.\d build_ms=\d+\.\d$`)

func TestBenchMatch(t *testing.T) {
	dir := writeCorpus(t)
	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"match", "--terms", "50", "--corpus", dir, "--mb", "0.2", "--regexp-seconds", "0.5"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; !benchLastLine.MatchString(last) {
		t.Fatalf("last line %q does not have the agreed form\n%s", last, out.String())
	}
	if !strings.Contains(out.String(), "corpus: 4 items") {
		t.Errorf("the corpus should read as 4 items (2 feed items, 1 post, 1 event):\n%s", out.String())
	}
}

func TestBenchErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no kind", nil, 2, "Usage:"},
		{"unknown kind", []string{"fanfare"}, 2, `unknown benchmark "fanfare"`},
		{"missing corpus", []string{"match", "--corpus", "/nonexistent/corpus"}, 1, "corpus /nonexistent/corpus"},
		{"bad flag", []string{"match", "--terms", "0"}, 2, "must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Main(context.Background(), tt.args, &out, &errOut)
			if code != tt.code || !strings.Contains(errOut.String(), tt.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut.String(), tt.code, tt.want)
			}
		})
	}
}
