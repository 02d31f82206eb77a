package config

import (
	"reflect"
	"testing"
)

func TestFetchHosts(t *testing.T) {
	f, err := Parse("w.yaml", []byte(lines(
		"fetch:",
		"  per_host: {concurrency: 4, rate: 0.5, burst: 3}",
		"  hosts:",
		"    - host: WWW.Reddit.com.",
		"      concurrency: 1",
		"      rate: 0.2",
		"    - {host: 127.0.0.1, rate: 200, burst: 50}",
	)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "per host", f.Fetch.PerHost, HostLimit{Concurrency: 4, Rate: 0.5, Burst: 3})
	want := []HostLimit{{Host: "www.reddit.com", Concurrency: 1, Rate: 0.2, Line: 4}, {Host: "127.0.0.1", Rate: 200, Burst: 50, Line: 7}}
	if !reflect.DeepEqual(f.Fetch.Hosts, want) {
		t.Errorf("hosts = %+v, want %+v", f.Fetch.Hosts, want)
	}
	wantEqual(t, "reddit", f.Fetch.HostLimitFor("www.reddit.com"), HostLimit{Host: "www.reddit.com", Concurrency: 1, Rate: 0.2, Burst: 3, Line: 4})
	wantEqual(t, "other", f.Fetch.HostLimitFor("example.org"), HostLimit{Concurrency: 4, Rate: 0.5, Burst: 3})

	d, err := Parse("w.yaml", nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "default per host", d.Fetch.PerHost, HostLimit{Concurrency: 2, Rate: 1, Burst: 2})
}

func TestFetchHostsProblems(t *testing.T) {
	yamlFetch := lines(
		"fetch:",
		"  per_host: {concurrency: 0, rate: fast, burst: 2, brust: 3}",
		"  hosts:",
		"    - host: https://x.example/",
		"    - {concurrency: 2}",
		"    - {host: a.example, rate: -1}",
		"    - {host: A.example}",
		"    - {host: b.example, concurrency: 5000}",
	)
	want := []string{
		`w.yaml:2:27: fetch.per_host.concurrency: want a whole number from 1 to 1000, not "0"`,
		`w.yaml:2:36: fetch.per_host.rate: want requests a second, a number above 0 and at most 10000 (0.2 is one every 5 s), not "fast"`,
		`w.yaml:2:52: fetch.per_host: unknown key "brust"`,
		`w.yaml:4:13: fetch.hosts[0].host: bad host "https://x.example/": want a host name such as www.reddit.com, without scheme, port or path`,
		`w.yaml:5:7: fetch.hosts[1]: missing required key "host"`,
		`w.yaml:6:31: fetch.hosts[2].rate: want requests a second, a number above 0 and at most 10000 (0.2 is one every 5 s), not "-1"`,
		`w.yaml:7:14: fetch.hosts[3].host: host "a.example" is listed twice (first at line 6)`,
		`w.yaml:8:38: fetch.hosts[4].concurrency: want a whole number from 1 to 1000, not "5000"`,
	}
	checkProblems(t, yamlFetch, Options{}, want...)
}
