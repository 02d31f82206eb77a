package config

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/watchroom/watchroom/watch/source"
)

func TestSourceOptions(t *testing.T) {
	yaml := lines(
		"sources:",
		"  - id: events",
		"    kind: page",
		"    url: https://events.example/whats-on",
		"    schedule: '@hourly'",
		"    options:",
		"      item: li.event",
		"      title: h3",
		"      link: a",
		"      pages: 2",
		"      timezone: ${ZONE}",
		"  - {id: plain, kind: feed, url: 'https://example.org/f', schedule: '@hourly'}",
		"  - {id: empty, kind: feed, url: 'https://example.org/f', schedule: '@hourly', options: }",
	)
	f, err := Parse("w.yaml", []byte(yaml), Options{Vars: map[string]string{"ZONE": "Europe/London"}})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := map[string]string{"item": "li.event", "title": "h3", "link": "a", "pages": "2", "timezone": "Europe/London"}
	if got := f.Sources[0].Options; !reflect.DeepEqual(got, want) {
		t.Errorf("options = %v, want %v", got, want)
	}
	if f.Sources[1].Options != nil || f.Sources[2].Options != nil {
		t.Errorf("no options: %v and %v, want nil", f.Sources[1].Options, f.Sources[2].Options)
	}
}

func TestSourceOptionProblems(t *testing.T) {
	checkProblems(t, lines(
		"sources:",
		"  - id: a",
		"    kind: page",
		"    url: https://events.example/",
		"    schedule: '@hourly'",
		"    options: [item, title]",
		"  - id: b",
		"    kind: page",
		"    url: https://events.example/",
		"    schedule: '@hourly'",
		"    options:",
		"      item: {css: li}",
		"      title: h3",
		"      title: h2",
		"      [x]: y",
		"      link: ${NOPE}",
	), Options{},
		`w.yaml:6:14: sources[0].options: want a mapping, got a list`,
		`w.yaml:12:13: sources[1].options.item: want a single value, got a mapping`,
		`w.yaml:14:7: sources[1].options: option "title" is repeated (first at line 13)`,
		`w.yaml:15:7: sources[1].options: want a plain option name, got a list`,
		`w.yaml:16:13: sources[1].options.link: unknown variable ${NOPE}`,
	)
}

// The program's own check of each kind: problems at the option they name,
// at the options or the entry when the option is missing, else at the URL.
func TestSourceOptionsCheckedPerKind(t *testing.T) {
	opts := Options{Kinds: source.Kinds(), CheckSource: source.CheckSource}
	checkProblems(t, lines(
		"sources:", // 1
		"  - id: events",
		"    kind: page",
		"    url: https://events.example/",
		"    schedule: '@hourly'", // 5
		"    options:",
		"      item: li[",
		"      link: a",
		"      pages: 50",
		"  - id: tg", // 10
		"    kind: telegram",
		"    url: https://t.me/durov",
		"    schedule: '@hourly'",
		"  - id: bare", // 14
		"    kind: page",
		"    url: https://events.example/",
		"    schedule: '@hourly'",
		"  - {id: good, kind: telegram, url: 'https://t.me/s/durov', schedule: '@hourly', options: {pages: 5}}",
		"  - {id: broken, kind: page, url: 'ftp://x', schedule: '@hourly', options: {colour: red}}",
	), opts,
		// A mapping is placed at its first key.
		`w.yaml:7:7: sources[0].options: option "title": a page source needs the title selector`,
		`w.yaml:7:13: sources[0].options.item: option "item": bad CSS selector "li[": expected identifier, found EOF instead`,
		`w.yaml:9:14: sources[0].options.pages: option "pages": "50" is not a whole number from 1 to 20`,
		`w.yaml:12:10: sources[1].url: url "https://t.me/durov": a telegram source needs the channel's web preview, https://t.me/s/NAME`,
		`w.yaml:14:5: sources[2]: option "item": a page source needs the item selector`,
		`w.yaml:14:5: sources[2]: option "title": a page source needs the title selector`,
		`w.yaml:14:5: sources[2]: option "link": a page source needs the link selector`,
		// A URL that is bad already is not checked again for its kind.
		`w.yaml:19:35: sources[4].url: bad url "ftp://x": scheme "ftp" is not http or https`,
	)
}

func TestSourceCheckOneError(t *testing.T) {
	var seen []string
	check := func(kind, url string, o map[string]string) error {
		seen = append(seen, fmt.Sprintf("%s %s %v", kind, url, o))
		if kind == "odd" {
			return errors.New("odd sources are not supported")
		}
		return nil
	}
	checkProblems(t, lines(
		"sources:",
		"  - {id: a, kind: odd, url: 'https://x.example/', schedule: '@hourly', options: {k: v}}",
		"  - {id: b, kind: feed, url: 'https://x.example/', schedule: '@hourly'}",
	), Options{CheckSource: check},
		`w.yaml:2:29: sources[0].url: odd sources are not supported`,
	)
	want := []string{"odd https://x.example/ map[k:v]", "feed https://x.example/ map[]"}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("checked %q, want %q", seen, want)
	}
}
