package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// webClient is one signed-in person using the console over HTTP.
type webClient = watchtest.Web

// signInHTTP signs a person made by addUser in.
func signInHTTP(t *testing.T, base, name string) *webClient {
	t.Helper()
	return watchtest.SignIn(t, base, name, "secret-"+name)
}

// newTestApp wires the console from a config text with a clock, served on
// loopback without its schedules.
func newTestApp(t *testing.T, text string, clock *watchtest.Clock, getenv func(string) string) (*App, string, func()) {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte(text), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	a, err := New(context.Background(), cfg, logger, Options{Now: clock.Now, Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	web, err := a.Listen("127.0.0.1:0")
	if err != nil {
		a.Stop(context.Background())
		t.Fatal(err)
	}
	a.startAlerts()
	go web.Serve()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		a.hub.CloseAll()
		web.Close()
		a.Stop(context.Background())
	}
	t.Cleanup(stop)
	return a, strings.TrimSuffix(web.URL(), "/"), stop
}

func mustContain(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}
