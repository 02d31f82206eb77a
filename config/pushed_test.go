package config

import "testing"

// A webhook source is pushed to: no url, no schedule.
func TestPushedSource(t *testing.T) {
	f, err := Parse("w.yaml", []byte(lines(
		"sources:",
		"  - {id: scanner, kind: webhook, options: {token_env: SCANNER_TOKEN}}",
	)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := f.Sources[0]; s.URL != "" || s.Schedule != "" || s.Options["token_env"] != "SCANNER_TOKEN" {
		t.Errorf("source %+v", s)
	}
	checkProblems(t, lines(
		"sources:",
		"  - id: scanner",
		"    kind: webhook",
		"    url: https://example.org/",
		"    schedule: '@every 1m'",
	), Options{},
		`w.yaml:4:5: sources[0].url: a webhook source is pushed to: it takes no url`,
		`w.yaml:5:5: sources[0].schedule: a webhook source is pushed to: it takes no schedule`,
	)
}
