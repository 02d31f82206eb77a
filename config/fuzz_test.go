package config

import (
	"errors"
	"os"
	"testing"
)

// FuzzParse feeds Parse arbitrary bytes. It must never panic, and must
// return either a File or a non-empty, ordered list of problems.
func FuzzParse(f *testing.F) {
	example, err := os.ReadFile("example.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		"", "---", string(example), string(Demo),
		lines("sources:", okSource, "watchlists:", "  - {id: w, terms: [x], sources: [a, b]}"),
		lines("server:", "  listen: *a"),
		lines("sources:", "  - &s {id: a}", "  - *s"),
		lines("sources:", "  - {id: a, kind: feed, url: 'https://x.org', schedule: 'CRON_TZ=UTC'}"),
		lines("server: {listen: '${LISTEN}', data_dir: '$${x}${'}"),
		"a: [1,\nb: 2\n", "\xff", "x: \"\x01\"",
	} {
		f.Add([]byte(seed))
	}
	opts := Options{Kinds: []string{"feed", "ical"}, Vars: demoVars()}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("f.yaml", data, opts)
		if (file == nil) == (err == nil) {
			t.Fatalf("Parse = %v, %v; want exactly one of a File and an error", file, err)
		}
		if err == nil {
			if file.Server.Location == nil || file.Fetch.MaxBodyBytes <= 0 || file.Retention.Items <= 0 {
				t.Fatalf("valid File with unusable values: %+v", file)
			}
			return
		}
		var ps Problems
		if !errors.As(err, &ps) || len(ps) == 0 {
			t.Fatalf("error is not a non-empty Problems: %v", err)
		}
		for i, p := range ps {
			if p.File != "f.yaml" || p.Msg == "" {
				t.Fatalf("problem %d is incomplete: %#v", i, p)
			}
			if i > 0 && (p.Line < ps[i-1].Line || p.Line == ps[i-1].Line && p.Col < ps[i-1].Col) {
				t.Fatalf("problems out of order: %v", err)
			}
		}
	})
}
