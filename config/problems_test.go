package config

import "testing"

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		opts Options
		want []string
	}{
		{
			name: "unknown top-level key",
			yaml: lines("server:", "  listen: 127.0.0.1:9000", "sorces: []"),
			want: []string{`w.yaml:3:1: unknown key "sorces" (did you mean "sources"?)`},
		},
		{
			name: "unknown nested key",
			yaml: lines(
				"sources:",
				"  - id: a",
				"    kind: feed",
				"    url: https://example.org/f",
				"    schedule: '@hourly'",
				"    shedule: '@every 5m'",
				"server:",
				"  tls: on",
			),
			want: []string{
				`w.yaml:6:5: sources[0]: unknown key "shedule" (did you mean "schedule"?)`,
				`w.yaml:8:3: server: unknown key "tls"`,
			},
		},
		{
			name: "repeated key",
			yaml: lines("server:", "  listen: 127.0.0.1:1", "  listen: 127.0.0.1:2"),
			want: []string{`w.yaml:3:3: server: key "listen" is repeated (first at line 2)`},
		},
		{
			name: "bad cron specs",
			yaml: lines(
				"sources:",
				"  - id: a",
				"    kind: feed",
				"    url: https://example.org/f",
				"    schedule: every 5m",
				"  - {id: b, kind: feed, url: 'https://example.org/f', schedule: '@every 500ms'}",
				"  - {id: c, kind: feed, url: 'https://example.org/f', schedule: 'CRON_TZ=UTC'}",
				"  - {id: d, kind: feed, url: 'https://example.org/f', schedule: '61 * * * *'}",
			),
			want: []string{
				`w.yaml:5:15: sources[0].schedule: bad cron spec "every 5m": expected exactly 5 fields, found 2: [every 5m]`,
				`w.yaml:6:65: sources[1].schedule: bad cron spec "@every 500ms": @every needs an interval of at least 1s`,
				`w.yaml:7:65: sources[2].schedule: bad cron spec "CRON_TZ=UTC": a time-zone prefix must be followed by a schedule`,
				`w.yaml:8:65: sources[3].schedule: bad cron spec "61 * * * *": end of range (61) above maximum (59): 61`,
			},
		},
		{
			name: "bad urls",
			yaml: lines(
				"sources:",
				"  - {id: a, kind: feed, schedule: '@hourly', url: 'ftp://example.org/feed'}",
				"  - {id: b, kind: feed, schedule: '@hourly', url: 'https:///feed.xml'}",
				"  - {id: c, kind: feed, schedule: '@hourly', url: 'not a url'}",
				"  - {id: d, kind: feed, schedule: '@hourly', url: 'http://[::1/feed'}",
				"  - {id: e, kind: feed, schedule: '@hourly', url: ''}",
				"server:",
				"  base_url: example.org",
			),
			want: []string{
				`w.yaml:2:51: sources[0].url: bad url "ftp://example.org/feed": scheme "ftp" is not http or https`,
				`w.yaml:3:51: sources[1].url: bad url "https:///feed.xml": no host`,
				`w.yaml:4:51: sources[2].url: bad url "not a url": want an absolute http or https URL`,
				`w.yaml:5:51: sources[3].url: bad url "http://[::1/feed": missing ']' in host`,
				`w.yaml:6:51: sources[4].url: must not be empty`,
				`w.yaml:8:13: server.base_url: bad url "example.org": want an absolute http or https URL`,
			},
		},
		{
			name: "watch list names a missing source",
			yaml: lines(
				"sources:",
				okSource,
				"watchlists:",
				"  - id: ume",
				"    terms: [rave]",
				"    sources: [a, nope]",
			),
			want: []string{`w.yaml:6:18: watchlists[0].sources[1]: watch list "ume" names source "nope" that is not defined`},
		},
		{
			name: "operation names a missing watch list and source",
			yaml: lines(
				"watchlists:",
				"  - id: ume",
				"    terms: [rave]",
				"operations:",
				"  - id: carnival",
				"    name: Carnival",
				"    start: 2026-08-29T10:00:00Z",
				"    end: 2026-08-31T22:00:00Z",
				"    watchlists: [ume, umee]",
				"    sources: [met-news]",
			),
			want: []string{
				`w.yaml:9:23: operations[0].watchlists[1]: operation "carnival" names watch list "umee" that is not defined`,
				`w.yaml:10:15: operations[0].sources[0]: operation "carnival" names source "met-news" that is not defined`,
			},
		},
		{
			name: "coordinates, radius and briefing lead",
			yaml: lines(
				"operations:",
				"  - {id: a, name: A, start: 2026-08-29T10:00:00Z, end: 2026-08-29T12:00:00Z, lat: 91, radius_m: 0}",
				"  - {id: b, name: B, start: 2026-08-29T10:00:00Z, end: 2026-08-29T12:00:00Z, radius_m: 10, briefing_lead: 400h}",
			),
			want: []string{
				`w.yaml:2:83: operations[0].lat: want decimal degrees from -90 to 90, not "91"`,
				`w.yaml:2:83: operations[0].lat: lat is set but lon is not; set both or neither`,
				`w.yaml:2:97: operations[0].radius_m: want whole metres from 1 to 100000, not "0"`,
				`w.yaml:3:88: operations[1].radius_m: a radius needs lat and lon`,
				`w.yaml:3:107: operations[1].briefing_lead: a briefing lead may be at most 336h (two weeks)`,
			},
		},
		{
			name: "a tag listed twice or empty",
			yaml: lines("watchlists:", "  - {id: w, terms: [x], tags: [event discovery, '', event discovery]}"),
			want: []string{
				`w.yaml:2:49: watchlists[0].tags[1]: must not be empty`,
				`w.yaml:2:53: watchlists[0].tags[2]: tag "event discovery" is listed twice`,
			},
		},
		{
			name: "an id listed twice",
			yaml: lines("sources:", okSource, "watchlists:", "  - {id: w, terms: [x], sources: [a, a]}"),
			want: []string{`w.yaml:4:38: watchlists[0].sources[1]: source "a" is listed twice`},
		},
		{
			name: "duplicate ids",
			yaml: lines(
				"sources:",
				okSource,
				okSource,
				"watchlists:",
				"  - {id: w, terms: [x]}",
				"  - {id: w, terms: [y]}",
				"operations:",
				"  - {id: o, name: O, start: 2026-01-01T00:00:00Z, end: 2026-01-02T00:00:00Z}",
				"  - {id: o, name: P, start: 2026-01-01T00:00:00Z, end: 2026-01-02T00:00:00Z}",
			),
			want: []string{
				`w.yaml:3:10: sources[1].id: duplicate source id "a" (first at line 2)`,
				`w.yaml:6:10: watchlists[1].id: duplicate watch list id "w" (first at line 5)`,
				`w.yaml:9:10: operations[1].id: duplicate operation id "o" (first at line 8)`,
			},
		},
		{
			name: "bad ids and kinds",
			yaml: lines(
				"sources:",
				"  - {id: Met News, kind: rss, url: 'https://example.org/f', schedule: '@hourly'}",
				"  - {id: -a, kind: feed, url: 'https://example.org/f', schedule: '@hourly'}",
			),
			opts: feedOnly,
			want: []string{
				`w.yaml:2:10: sources[0].id: bad id "Met News": want 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit`,
				`w.yaml:2:26: sources[0].kind: unknown kind "rss" (known: feed)`,
				`w.yaml:3:10: sources[1].id: bad id "-a": want 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit`,
			},
		},
		{
			name: "missing required keys",
			yaml: lines(
				"sources:",
				"  - id: a",
				"    kind: feed",
				"watchlists:",
				"  - name: No terms",
				"operations:",
				"  - id: x",
				"    start: 2026-08-29T10:00:00Z",
				"  -",
			),
			want: []string{
				`w.yaml:2:5: sources[0]: missing required key "url"`,
				`w.yaml:2:5: sources[0]: missing required key "schedule"`,
				`w.yaml:5:5: watchlists[0]: missing required key "id"`,
				`w.yaml:5:5: watchlists[0]: missing required key "terms"`,
				`w.yaml:7:5: operations[0]: missing required key "name"`,
				`w.yaml:7:5: operations[0]: missing required key "end"`,
				`w.yaml:9:4: operations[1]: missing required key "id"`,
				`w.yaml:9:4: operations[1]: missing required key "name"`,
				`w.yaml:9:4: operations[1]: missing required key "start"`,
				`w.yaml:9:4: operations[1]: missing required key "end"`,
			},
		},
		{
			name: "end not after start",
			yaml: lines(
				"operations:",
				"  - id: x",
				"    name: X",
				"    start: 2026-08-29T10:00:00Z",
				"    end: 2026-08-29T10:00:00+01:00",
				"  - {id: y, name: Y, start: 2026-08-29T10:00:00Z, end: 2026-08-29T10:00:00Z}",
				"  - {id: z, name: Z, start: 2026-08-29 10:00, end: tomorrow}",
			),
			want: []string{
				`w.yaml:5:10: operations[0].end: end must be after start (2026-08-29T10:00:00Z)`,
				`w.yaml:6:56: operations[1].end: end must be after start (2026-08-29T10:00:00Z)`,
				`w.yaml:7:29: operations[2].start: bad time "2026-08-29 10:00": want RFC 3339, such as 2026-08-29T10:00:00Z`,
				`w.yaml:7:52: operations[2].end: bad time "tomorrow": want RFC 3339, such as 2026-08-29T10:00:00Z`,
			},
		},
		{
			name: "YAML scanner error",
			yaml: lines("server:", "  listen: 127.0.0.1:1", "    data_dir: ./x"),
			want: []string{`w.yaml:3: YAML syntax error: mapping values are not allowed in this context`},
		},
		{
			name: "YAML parser error",
			yaml: lines("server:", "  listen: 127.0.0.1:1", "fetch:", "  allow_private: [127.0.0.1/32,", "  timeout: 5s"),
			want: []string{`w.yaml:4: YAML syntax error: did not find expected ',' or ']'`},
		},
		{
			name: "YAML error on the first line",
			yaml: lines("server: listen: 127.0.0.1:1"),
			want: []string{`w.yaml:1: YAML syntax error: mapping values are not allowed in this context`},
		},
		{
			name: "unknown anchor",
			yaml: lines("server:", "  listen: *addr"),
			want: []string{`w.yaml:2:11: YAML syntax error: unknown anchor 'addr' referenced`},
		},
		{
			name: "aliases",
			yaml: lines("sources:", "  - &s {id: a, kind: feed, url: 'https://example.org/f', schedule: '@hourly'}", "  - *s"),
			want: []string{`w.yaml:3:5: sources[1]: aliases (*s) are not supported; write the value out`},
		},
		{
			name: "control character",
			yaml: "server:\n  listen: \"127.0.0.1:1\x07\"\n",
			want: []string{`w.yaml:2:23: character U+0007 is not allowed in YAML`},
		},
		{
			name: "not UTF-8",
			yaml: "server:\n  data_dir: caf\xe9\n",
			want: []string{`w.yaml:2:16: the file is not valid UTF-8`},
		},
		{
			name: "second document",
			yaml: lines("server:", "  listen: 127.0.0.1:1", "---", "sources: []"),
			want: []string{`w.yaml:3:1: a second YAML document is not allowed; put everything in one`},
		},
		{
			name: "wrong types",
			yaml: lines(
				"server: [listen]",
				"fetch: 3",
				"retention: {items: [1h]}",
				"sources: {id: a}",
				"watchlists:",
				"  - id: w",
				"    terms: rave",
				"  - just a string",
			),
			want: []string{
				`w.yaml:1:9: server: want a mapping, got a list`,
				`w.yaml:2:8: fetch: want a mapping, got a number`,
				`w.yaml:3:20: retention.items: want a single value, got a list`,
				`w.yaml:4:10: sources: want a list, got a mapping`,
				`w.yaml:7:12: watchlists[0].terms: want a list, got a string`,
				`w.yaml:8:5: watchlists[1]: want a mapping, got a string`,
			},
		},
		{
			name: "top level is not a mapping",
			yaml: lines("- server"),
			want: []string{`w.yaml:1:1: want a mapping, got a list`},
		},
		{
			name: "bad terms",
			yaml: lines(
				"watchlists:",
				"  - id: w",
				"    terms: []",
				"  - id: v",
				`    terms: ['free "party', '""', '', ~]`,
			),
			want: []string{
				`w.yaml:3:12: watchlists[0].terms: a watch list needs at least one term`,
				`w.yaml:5:13: watchlists[1].terms[0]: term "free \"party" has an unbalanced double quote`,
				`w.yaml:5:28: watchlists[1].terms[1]: term "\"\"" is empty`,
				`w.yaml:5:34: watchlists[1].terms[2]: term "" is empty`,
				`w.yaml:5:38: watchlists[1].terms[3]: term "" is empty`,
			},
		},
		{
			name: "unknown and malformed variables",
			yaml: lines(
				"server:",
				"  listen: ${HOST}:${PORT}",
				"sources:",
				"  - {id: a, kind: feed, url: '${FEED}', schedule: '${B:x}'}",
			),
			opts: Options{Vars: map[string]string{"HOST": "127.0.0.1"}},
			want: []string{
				`w.yaml:2:11: server.listen: unknown variable ${PORT}`,
				`w.yaml:4:30: sources[0].url: unknown variable ${FEED}`,
				`w.yaml:4:51: sources[0].schedule: bad variable reference "${B:x}": want ${NAME} (write $${ for a literal ${)`,
			},
		},
		{
			name: "bad server, fetch and retention values",
			yaml: lines(
				"server:",
				"  listen: localhost",
				"  data_dir: ''",
				"  timezone: Europe/Londn",
				"  tls_key: key.pem",
				"  session_ttl: 0s",
				"fetch:",
				"  timeout: 20",
				"  connect_timeout: soon",
				"  max_body_bytes: 5MB",
				"  user_agent: \"watchroom\\r\\nX-Evil: 1\"",
				"  allow_private: [127.0.0.1, '10.0.0.0/33']",
				"retention:",
				"  items: -1h",
				"---",
			),
			want: []string{
				`w.yaml:2:11: server.listen: bad address "localhost": want host:port, such as 127.0.0.1:8080`,
				`w.yaml:3:13: server.data_dir: must not be empty`,
				`w.yaml:4:13: server.timezone: unknown time zone "Europe/Londn": want an IANA name such as Europe/London`,
				`w.yaml:5:12: server.tls_key: tls_key is set but tls_cert is not; set both or neither`,
				`w.yaml:6:16: server.session_ttl: duration "0s" must be more than 0`,
				`w.yaml:8:12: fetch.timeout: bad duration "20": want a Go duration such as 20s, 5m or 12h`,
				`w.yaml:9:20: fetch.connect_timeout: bad duration "soon": want a Go duration such as 20s, 5m or 12h`,
				`w.yaml:10:19: fetch.max_body_bytes: bad size "5MB": want a whole number of bytes, such as 5242880`,
				`w.yaml:11:15: fetch.user_agent: user agent "watchroom\r\nX-Evil: 1" must not contain control characters`,
				`w.yaml:12:19: fetch.allow_private[0]: bad CIDR prefix "127.0.0.1": want address/length, such as 127.0.0.1/32`,
				`w.yaml:12:30: fetch.allow_private[1]: bad CIDR prefix "10.0.0.0/33": want address/length, such as 127.0.0.1/32`,
				`w.yaml:14:10: retention.items: duration "-1h" must be more than 0`,
				`w.yaml:15:1: a second YAML document is not allowed; put everything in one`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkProblems(t, tt.yaml, tt.opts, tt.want...)
		})
	}
}

// TestParseReportsEveryProblem checks that one pass finds all of a file's
// problems, including references checked after the file is read, and lists
// them in file order.
func TestParseReportsEveryProblem(t *testing.T) {
	yaml := lines(
		"server:",                            // 1
		"  listen: localhost",                // 2
		"  timezone: Mars/Olympus",           // 3
		"sources:",                           // 4
		"  - id: Met News",                   // 5
		"    kind: rss",                      // 6
		"    url: ftp://example.org/feed",    // 7
		"    schedule: '@every 5m'",          // 8
		"  - id: b",                          // 9
		"    kind: feed",                     // 10
		"    url: https://example.org/b",     // 11
		"watchlists:",                        // 12
		"  - id: ume",                        // 13
		`    terms: ['rave', '"free party']`, // 14
		"    sources: [a]",                   // 15
		"operations:",                        // 16
		"  - id: carnival",                   // 17
		"    name: Carnival",                 // 18
		"    start: 2026-08-29T10:00:00Z",    // 19
		"    end: 2026-08-29T09:00:00Z",      // 20
		"    watchlists: [ume, disorder]",    // 21
		"    colour: red",                    // 22
	)
	checkProblems(t, yaml, feedOnly,
		`w.yaml:2:11: server.listen: bad address "localhost": want host:port, such as 127.0.0.1:8080`,
		`w.yaml:3:13: server.timezone: unknown time zone "Mars/Olympus": want an IANA name such as Europe/London`,
		`w.yaml:5:9: sources[0].id: bad id "Met News": want 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit`,
		`w.yaml:6:11: sources[0].kind: unknown kind "rss" (known: feed)`,
		`w.yaml:7:10: sources[0].url: bad url "ftp://example.org/feed": scheme "ftp" is not http or https`,
		`w.yaml:9:5: sources[1]: missing required key "schedule"`,
		`w.yaml:14:21: watchlists[0].terms[1]: term "\"free party" has an unbalanced double quote`,
		`w.yaml:15:15: watchlists[0].sources[0]: watch list "ume" names source "a" that is not defined`,
		`w.yaml:20:10: operations[0].end: end must be after start (2026-08-29T10:00:00Z)`,
		`w.yaml:21:23: operations[0].watchlists[1]: operation "carnival" names watch list "disorder" that is not defined`,
		`w.yaml:22:5: operations[0]: unknown key "colour"`,
	)
}
