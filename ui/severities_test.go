package ui

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

// Any signed-in person's board can ask for the lists' severities (for the
// severity filter); nobody else can.
func TestSeverities(t *testing.T) {
	env := newEnvWith(t, func(o *Options) {
		o.WatchLists = []watch.WatchList{{ID: "ume", Terms: []string{"rave"}, Severity: "critical"}, {ID: "talk", Terms: []string{"meet"}}}
	})
	env.addUser(t, "viewer1", watch.RoleViewer)
	if code, _ := env.newClient(t).Get(t, "/api/severities"); code == http.StatusOK {
		t.Fatalf("without a session: HTTP %d", code)
	}
	code, body := env.signIn(t, "viewer1").Get(t, "/api/severities")
	if code != http.StatusOK {
		t.Fatalf("HTTP %d", code)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["ume"] != "critical" || got["talk"] != "" {
		t.Fatalf("severities %v", got)
	}
}
