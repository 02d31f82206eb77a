package config

import (
	"fmt"
	"net/netip"
	"time"
)

// serverAccounts reads the server keys about who signs in from where.
func (d *decoder) serverAccounts(fs map[string]field, s *Server) {
	entries, _ := d.items(fs["trusted_proxies"])
	for _, e := range entries {
		var p netip.Prefix
		if scalar(d, e, &p, parsePrefix) {
			s.TrustedProxies = append(s.TrustedProxies, p)
		}
	}
	scalar(d, fs["session_idle_timeout"], &s.SessionIdle, idleTimeout)
	if f, ok := fs["session_idle_timeout_by_role"]; ok {
		roles, ok := d.fields(f.val, f.path, Roles...)
		if !ok {
			return
		}
		s.SessionIdleByRole = map[string]time.Duration{}
		for role, rf := range roles {
			var v time.Duration
			if scalar(d, rf, &v, idleTimeout) {
				s.SessionIdleByRole[role] = v
			}
		}
	}
}

// Roles are the roles a person may have, lowest first.
var Roles = []string{"requester", "viewer", "officer", "analyst", "supervisor", "admin"}

// idleTimeout is a session idle timeout: at least a minute (shorter
// would sign people out while they read) and at most a day.
func idleTimeout(s string) (time.Duration, error) {
	d, err := parseDuration(s)
	if err != nil {
		return 0, err
	}
	if d < time.Minute || d > 24*time.Hour {
		return 0, fmt.Errorf("want an idle timeout from 1m to 24h, not %s", s)
	}
	return d, nil
}
