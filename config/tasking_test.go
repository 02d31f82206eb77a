package config

import (
	"strings"
	"testing"
	"time"
)

func TestTaskingSection(t *testing.T) {
	f, err := Parse("t.yaml", []byte(`
tasking:
  types:
    - id: pre_event
      name: Pre-event
    - id: investigation
      name: Investigation
      investigation: true
  teams: [CID, Response]
  service_levels:
    - type: investigation
      urgency: immediate
      triage: 1h
      complete: 48h
`), feedOnly)
	if err != nil {
		t.Fatal(err)
	}
	tk := f.Tasking
	if len(tk.Types) != 2 || !tk.Types[1].Investigation || len(tk.Teams) != 2 || len(tk.Levels) != 1 || tk.Levels[0].Complete != 48*time.Hour {
		t.Fatalf("tasking %+v", tk)
	}
	_, err = Parse("t.yaml", []byte(`
tasking:
  types:
    - id: pre_event
      name: Pre-event
    - id: pre_event
      name: Again
  teams: [CID, CID]
  service_levels:
    - type: nosuch
      urgency: soon
      triage: 2h
      complete: 1h
  colour: blue
`), feedOnly)
	if err == nil {
		t.Fatal("a bad tasking section loaded")
	}
	for _, want := range []string{"pre_event", `team "CID" is listed twice`, `request type "nosuch"`, "soon", "complete must be no sooner", "colour"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems do not mention %q:\n%v", want, err)
		}
	}
}
