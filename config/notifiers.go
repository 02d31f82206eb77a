package config

import (
	"fmt"
	"net"
	"net/mail"
	"slices"
)

func (d *decoder) notifiers(sec field, n *Notifiers) {
	fs, ok := d.fields(sec.val, sec.path, "board_url", "webhooks", "smtp")
	if !ok {
		return
	}
	scalar(d, fs["board_url"], &n.BoardURL, optionalHTTPURL)
	names := map[string]int{}
	entries, _ := d.items(fs["webhooks"])
	for _, e := range entries {
		wf, ok := d.fields(e.val, e.path, "name", "url", "secret_env", "kinds", "timeout", "max_attempts")
		if !ok {
			continue
		}
		d.require(e.val, e.path, wf, "name", "url", "secret_env")
		w := Webhook{Name: d.id(wf["name"], "webhook", names), Line: e.val.Line, Kinds: []string{"alert", "briefing"}}
		scalar(d, wf["url"], &w.URL, parseHTTPURL)
		scalar(d, wf["secret_env"], &w.SecretEnv, nonEmpty)
		if _, ok := wf["kinds"]; ok {
			w.Kinds = nil
			ks, _ := d.items(wf["kinds"])
			for _, k := range ks {
				var v string
				if scalar(d, k, &v, oneOf("alert", "briefing")) {
					w.Kinds = append(w.Kinds, v)
				}
			}
		}
		scalar(d, wf["timeout"], &w.Timeout, parseDuration)
		scalar(d, wf["max_attempts"], &w.MaxAttempts, parseCount)
		n.Webhooks = append(n.Webhooks, w)
	}
	if s, ok := fs["smtp"]; ok {
		n.SMTP = d.smtp(s)
	}
}

func (d *decoder) smtp(sec field) *SMTP {
	fs, ok := d.fields(sec.val, sec.path, "addr", "username", "password_env", "auth", "from", "to", "ca_file", "insecure_plaintext")
	if !ok {
		return nil
	}
	d.require(sec.val, sec.path, fs, "addr", "from")
	s := &SMTP{}
	scalar(d, fs["addr"], &s.Addr, parseHostPort)
	scalar(d, fs["username"], &s.Username, anyText)
	scalar(d, fs["password_env"], &s.PasswordEnv, anyText)
	scalar(d, fs["auth"], &s.Auth, oneOf("", "PLAIN", "LOGIN"))
	scalar(d, fs["from"], &s.From, parseAddress)
	s.To = d.addresses(fs["to"])
	scalar(d, fs["ca_file"], &s.CAFile, anyText)
	scalar(d, fs["insecure_plaintext"], &s.InsecurePlaintext, parseBool)
	return s
}

func (d *decoder) addresses(f field) []string {
	entries, _ := d.items(f)
	var out []string
	for _, e := range entries {
		var a string
		if scalar(d, e, &a, parseAddress) {
			out = append(out, a)
		}
	}
	return out
}

// teams reads the neighbourhood teams; an operation's team must be one of
// them once any is defined (checkRefs).
func (d *decoder) teams(sec field, f *File, r *refs) []Team {
	entries, _ := d.items(sec)
	var out []Team
	names := map[string]int{}
	for _, e := range entries {
		fs, ok := d.fields(e.val, e.path, "name", "emails", "webhooks")
		if !ok {
			continue
		}
		d.require(e.val, e.path, fs, "name")
		t := Team{Line: e.val.Line}
		if scalar(d, fs["name"], &t.Name, nonEmpty) {
			if line, dup := names[t.Name]; dup {
				d.problem(fs["name"].val, fs["name"].path, "duplicate team %q (first at line %d)", t.Name, line)
			}
			names[t.Name] = e.val.Line
			r.teams[t.Name] = e.val.Line
		}
		t.Emails = d.addresses(fs["emails"])
		ws, _ := d.items(fs["webhooks"])
		for _, w := range ws {
			var name string
			if !scalar(d, w, &name, nonEmpty) {
				continue
			}
			if !slices.ContainsFunc(f.Notifiers.Webhooks, func(x Webhook) bool { return x.Name == name }) {
				d.problem(w.val, w.path, "team %q names webhook %q that is not defined", t.Name, name)
			}
			t.Webhooks = append(t.Webhooks, name)
		}
		out = append(out, t)
	}
	return out
}

func parseHostPort(s string) (string, error) {
	if _, _, err := net.SplitHostPort(s); err != nil {
		return "", fmt.Errorf("bad address %q: want host:port, such as mail.example.org:587", s)
	}
	return s, nil
}

func parseAddress(s string) (string, error) {
	if _, err := mail.ParseAddress(s); err != nil {
		return "", fmt.Errorf("bad e-mail address %q", s)
	}
	return s, nil
}

func parseBool(s string) (bool, error) {
	switch s {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("want true or false, not %q", s)
}
