package config

import (
	"strings"
	"testing"
)

func TestReferralsDefaults(t *testing.T) {
	f, err := Parse("w.yaml", []byte("sources:\n"+okSource+"\n"), feedOnly)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Referrals.RequireCapture || f.Referrals.Check != DefaultReferralCheck {
		t.Errorf("referrals defaults: %+v", f.Referrals)
	}
	var ids []string
	for _, p := range f.Referrals.Platforms {
		ids = append(ids, p.ID)
		if p.ChaseDays < 1 || p.Name == "" || p.Channel == "" {
			t.Errorf("platform %s: %+v", p.ID, p)
		}
	}
	if got := strings.Join(ids, ","); got != "youtube,tiktok,instagram,snapchat,x,facebook,telegram,soundcloud,spotify,discord,other" {
		t.Errorf("default platforms %s", got)
	}
}

func TestReferralsParsed(t *testing.T) {
	yaml := `sources:
` + okSource + `
referrals:
  require_capture: false
  check: "@every 1h"
  platforms:
    - id: tube
      name: Tube
      channel: "https://flag.example/portal"
      categories: [threats]
      chase_after_days: 3
      unavailable: ["gone away"]
      hosts: [tube.example]
`
	f, err := Parse("w.yaml", []byte(yaml), feedOnly)
	if err != nil {
		t.Fatal(err)
	}
	r := f.Referrals
	if r.RequireCapture || r.Check != "@every 1h" || len(r.Platforms) != 1 {
		t.Fatalf("referrals %+v", r)
	}
	p := r.Platforms[0]
	if p.ID != "tube" || p.ChaseDays != 3 || p.Unavailable[0] != "gone away" || p.Hosts[0] != "tube.example" || p.Categories[0] != "threats" || p.Line != 7 {
		t.Errorf("platform %+v", p)
	}
}

func TestReferralsProblems(t *testing.T) {
	yaml := `sources:
` + okSource + `
referrals:
  require_capture: maybe
  platforms:
    - id: tube
      name: Tube
      chase_after_days: 0
      colour: red
`
	_, err := Parse("w.yaml", []byte(yaml), feedOnly)
	if err == nil {
		t.Fatal("want problems")
	}
	for _, want := range []string{"w.yaml:4:", "require_capture", "w.yaml:8:", "chase_after_days", "colour", "channel"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems do not mention %q:\n%v", want, err)
		}
	}
}
