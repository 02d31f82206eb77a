package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// expectSignedOut reads until the connection closes and wants the close
// code that sends the page to sign in.
func expectSignedOut(t *testing.T, c *websocket.Conn, who string) {
	t.Helper()
	for {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var m wsMsg
		err := c.ReadJSON(&m)
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != live.CloseSignedOut {
			t.Fatalf("%s: the board ended with %v, want close %d", who, err, live.CloseSignedOut)
		}
		return
	}
}

// Access taken away reaches an open board at once: disabling, signing out
// everywhere, or changing the role or team of a person closes their live
// connections (close 4001), and only theirs.
func TestRemovedAccessClosesOpenBoards(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "boss", watch.RoleAdmin)
	for _, n := range []string{"pc1", "pc2", "pc3", "pc4"} {
		e.addUser(t, n, watch.RoleOfficer)
	}
	admin := e.signIn(t, "boss")
	admin.Get(t, "/admin/users")
	q := fmt.Sprintf("board=all&after=0&epoch=%s", e.store.Epoch())
	open := func(name string) *websocket.Conn {
		want := e.hub.Stats().Clients + 1
		c, _, err := e.dial(t, e.signIn(t, name), q, e.ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		// the hub holds it a moment after the handshake
		watchtest.WaitFor(t, name+"'s board in the hub", 5*time.Second, func() bool { return e.hub.Stats().Clients >= want })
		return c
	}
	bystander := open("pc4")
	for _, step := range []struct {
		who, action string
		form        url.Values
	}{
		{"pc1", "disable", nil},
		{"pc2", "revoke", nil},
		{"pc3", "update", url.Values{"role": {"viewer"}, "team": {""}}},
	} {
		c := open(step.who)
		form := url.Values{"name": {step.who}}
		for k, v := range step.form {
			form[k] = v
		}
		if code, _ := admin.PostForm(t, "/admin/users/"+step.action, form); code != 200 {
			t.Fatalf("%s %s: HTTP %d", step.action, step.who, code)
		}
		expectSignedOut(t, c, step.action+" "+step.who)
		watchtest.WaitFor(t, step.who+"'s board gone from the hub", 5*time.Second, func() bool { return e.hub.Stats().Clients == 1 })
	}
	// the others' boards stay open, and nothing is closed without cause
	if n := e.srv.CloseEndedSessions(context.Background()); n != 0 {
		t.Fatalf("%d more boards closed", n)
	}
	e.recordHit(t, "k1", "rave", "op1")
	if m := read(t, bystander); m.Type != watch.EventHit {
		t.Fatalf("the bystander's board got %+v", m)
	}
}
