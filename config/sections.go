package config

import (
	"net/netip"

	"gopkg.in/yaml.v3"
)

// file decodes the top-level mapping into f, which holds the defaults.
func (d *decoder) file(root *yaml.Node, f *File) {
	fs, ok := d.fields(root, "", "server", "fetch", "retention", "evidence", "sources", "watchlists", "operations", "alerts", "alert_grouping", "notifiers", "teams", "silences",
		"referrals", "ui", "tasking", "audit")
	if !ok {
		return
	}
	if s, ok := fs["server"]; ok {
		d.server(s, &f.Server)
	}
	if s, ok := fs["fetch"]; ok {
		d.fetch(s, &f.Fetch)
	}
	if s, ok := fs["retention"]; ok {
		d.retention(s, &f.Retention)
	}
	if s, ok := fs["evidence"]; ok {
		d.evidence(s, &f.Evidence)
	}
	refs := newRefs()
	f.Sources = d.sources(fs["sources"], refs)
	f.WatchLists = d.watchLists(fs["watchlists"], refs)
	f.Operations = d.operations(fs["operations"], refs)
	f.Alerts = d.alertRules(fs["alerts"], refs)
	if g, ok := fs["alert_grouping"]; ok {
		d.alertGrouping(g, &f.AlertGrouping)
	}
	if n, ok := fs["notifiers"]; ok {
		d.notifiers(n, &f.Notifiers)
	}
	f.Teams = d.teams(fs["teams"], f, refs)
	f.Silences = d.silences(fs["silences"])
	if r, ok := fs["referrals"]; ok {
		d.referrals(r, &f.Referrals)
	}
	if u, ok := fs["ui"]; ok {
		d.ui(u, &f.UI)
	}
	if s, ok := fs["tasking"]; ok {
		d.tasking(s, &f.Tasking)
	}
	if s, ok := fs["audit"]; ok {
		d.audit(s, &f.Audit)
	}
	d.checkRefs(refs)
}

func (d *decoder) server(sec field, s *Server) {
	fs, ok := d.fields(sec.val, sec.path, "listen", "base_url", "data_dir", "timezone", "tls_cert", "tls_key", "tls_proxy", "session_ttl", "claim_timeout",
		"read_header_timeout", "read_timeout", "idle_timeout", "max_conns_per_addr", "trusted_proxies",
		"session_idle_timeout", "session_idle_timeout_by_role")
	if !ok {
		return
	}
	if scalar(d, fs["listen"], &s.Listen, parseListen) {
		d.listenAt = fs["listen"]
	}
	scalar(d, fs["base_url"], &s.BaseURL, optionalHTTPURL)
	scalar(d, fs["data_dir"], &s.DataDir, nonEmpty)
	if scalar(d, fs["timezone"], &s.Location, parseZone) {
		s.Timezone = s.Location.String() // the name as written
	}
	// A value that failed to read is reported already; only a pair that
	// read cleanly is checked for a missing half.
	certOK := scalar(d, fs["tls_cert"], &s.TLSCert, anyText) || fs["tls_cert"].val == nil
	keyOK := scalar(d, fs["tls_key"], &s.TLSKey, anyText) || fs["tls_key"].val == nil
	if certOK && keyOK && (s.TLSCert == "") != (s.TLSKey == "") {
		d.tlsHalf(fs, s)
	}
	scalar(d, fs["session_ttl"], &s.SessionTTL, parseDuration)
	scalar(d, fs["claim_timeout"], &s.ClaimTimeout, parseDuration)
	d.serverLimits(fs, s)
	d.serverAccounts(fs, s)
}

// tlsHalf reports a TLS certificate without its key or the other way round.
func (d *decoder) tlsHalf(fs map[string]field, s *Server) {
	if s.TLSCert != "" {
		d.problem(fs["tls_cert"].val, fs["tls_cert"].path, "tls_cert is set but tls_key is not; set both or neither")
		return
	}
	d.problem(fs["tls_key"].val, fs["tls_key"].path, "tls_key is set but tls_cert is not; set both or neither")
}

func (d *decoder) fetch(sec field, f *Fetch) {
	fs, ok := d.fields(sec.val, sec.path, "timeout", "connect_timeout", "max_body_bytes", "user_agent", "allow_private", "per_host", "hosts")
	if !ok {
		return
	}
	scalar(d, fs["timeout"], &f.Timeout, parseDuration)
	scalar(d, fs["connect_timeout"], &f.ConnectTimeout, parseDuration)
	scalar(d, fs["max_body_bytes"], &f.MaxBodyBytes, parseSize)
	scalar(d, fs["user_agent"], &f.UserAgent, parseUserAgent)
	entries, _ := d.items(fs["allow_private"])
	for _, e := range entries {
		var p netip.Prefix
		if scalar(d, e, &p, parsePrefix) {
			f.AllowPrivate = append(f.AllowPrivate, p)
		}
	}
	if ph, ok := fs["per_host"]; ok {
		d.hostLimit(ph, &f.PerHost)
	}
	f.Hosts = d.hosts(fs["hosts"])
}

func (d *decoder) retention(sec field, r *Retention) {
	fs, ok := d.fields(sec.val, sec.path, "items", "hits", "seen", "annotations", "briefings", "documents", "audit", "open_case", "requests")
	if !ok {
		return
	}
	scalar(d, fs["items"], &r.Items, parseDuration)
	scalar(d, fs["hits"], &r.Hits, parseDuration)
	scalar(d, fs["seen"], &r.Seen, parseDuration)
	scalar(d, fs["annotations"], &r.Annotations, parseDuration)
	scalar(d, fs["briefings"], &r.Briefings, parseDuration)
	scalar(d, fs["documents"], &r.Documents, parseDuration)
	scalar(d, fs["audit"], &r.Audit, parseDuration)
	scalar(d, fs["open_case"], &r.OpenCase, parseDuration)
	scalar(d, fs["requests"], &r.Requests, parseDuration)
	if h := fs["hits"]; h.val != nil && r.Hits > r.Items {
		d.problem(h.val, h.path, "hits (%v) cannot be kept longer than their items (%v): a hit is of an item", r.Hits, r.Items)
	}
}

func (d *decoder) evidence(sec field, e *Evidence) {
	fs, ok := d.fields(sec.val, sec.path, "render", "captures", "retention")
	if !ok {
		return
	}
	scalar(d, fs["render"], &e.Render, oneOf(RenderAuto, RenderOff))
	scalar(d, fs["captures"], &e.Captures, parseDuration)
	if r, ok := fs["retention"]; ok {
		rs, ok := d.fields(r.val, r.path, "standard", "extended")
		if !ok {
			return
		}
		scalar(d, rs["standard"], &e.Standard, parseDuration)
		scalar(d, rs["extended"], &e.Extended, parseDuration)
		if e.Extended < e.Standard && rs["extended"].val != nil {
			d.problem(rs["extended"].val, rs["extended"].path, "extended retention (%v) must not be shorter than standard (%v)", e.Extended, e.Standard)
		}
	}
}
