package config

import "testing"

func TestNotifiersAndTeams(t *testing.T) {
	f, err := Parse("w.yaml", []byte(lines(
		"notifiers:",
		"  board_url: https://watchroom.example",
		"  webhooks:",
		"    - {name: cad, url: 'https://cad.example/hook', secret_env: CAD_SECRET, kinds: [alert]}",
		"  smtp: {addr: 'mail.example:587', from: 'Watchroom <w@example.org>', to: [duty@example.org], username: w, password_env: PW}",
		"teams:",
		"  - {name: North SNT, emails: [north@example.org], webhooks: [cad]}",
		"operations:",
		"  - {id: op, name: Op, start: 2026-08-29T10:00:00Z, end: 2026-08-30T10:00:00Z, team: North SNT}",
	)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := f.Notifiers
	if n.BoardURL != "https://watchroom.example" || len(n.Webhooks) != 1 || n.Webhooks[0].Kinds[0] != "alert" || n.SMTP == nil ||
		n.SMTP.Addr != "mail.example:587" || n.SMTP.To[0] != "duty@example.org" || n.SMTP.PasswordEnv != "PW" {
		t.Fatalf("notifiers %+v smtp %+v", n, n.SMTP)
	}
	if len(f.Teams) != 1 || f.Teams[0].Emails[0] != "north@example.org" || f.Teams[0].Webhooks[0] != "cad" {
		t.Fatalf("teams %+v", f.Teams)
	}
	checkProblems(t, lines(
		"notifiers:",
		"  webhooks:",
		"    - {name: cad, url: 'ftp://x', secret_env: S, kinds: [sms]}",
		"  smtp: {addr: mail.example, from: not-an-address}",
		"teams:",
		"  - {name: North SNT, emails: [nope], webhooks: [pager]}",
		"operations:",
		"  - {id: op, name: Op, start: 2026-08-29T10:00:00Z, end: 2026-08-30T10:00:00Z, team: South SNT}",
	), Options{},
		`w.yaml:3:24: notifiers.webhooks[0].url: bad url "ftp://x": scheme "ftp" is not http or https`,
		`w.yaml:3:58: notifiers.webhooks[0].kinds[0]: "sms" is not one of alert, briefing`,
		`w.yaml:4:16: notifiers.smtp.addr: bad address "mail.example": want host:port, such as mail.example.org:587`,
		`w.yaml:4:36: notifiers.smtp.from: bad e-mail address "not-an-address"`,
		`w.yaml:6:32: teams[0].emails[0]: bad e-mail address "nope"`,
		`w.yaml:6:50: teams[0].webhooks[0]: team "North SNT" names webhook "pager" that is not defined`,
		`w.yaml:8:86: operations[0].team: operation "op" names team "South SNT" that is not defined`,
	)
}
