package config

import "net/netip"

// serverAccounts reads the server keys about who signs in from where.
func (d *decoder) serverAccounts(fs map[string]field, s *Server) {
	entries, _ := d.items(fs["trusted_proxies"])
	for _, e := range entries {
		var p netip.Prefix
		if scalar(d, e, &p, parsePrefix) {
			s.TrustedProxies = append(s.TrustedProxies, p)
		}
	}
}
