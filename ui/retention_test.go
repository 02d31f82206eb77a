package ui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

func TestErasureFromTheRetentionPage(t *testing.T) {
	blobs := t.TempDir()
	e := newEnvWith(t, func(o *Options) {
		o.BlobDir = blobs
		o.Retention = store.Classes{Items: 30 * 24 * time.Hour, Hits: 30 * 24 * time.Hour, Annotations: 365 * 24 * time.Hour}
		o.Briefings = func(context.Context, string, string) (watch.BriefingVersion, error) {
			return watch.BriefingVersion{}, nil
		}
	})
	ctx := context.Background()
	e.addUser(t, "root", watch.RoleAdmin)
	e.addUser(t, "ana", watch.RoleAnalyst)
	gone := e.recordHit(t, "a1", "meet at the arches", "op1")
	kept := e.recordHit(t, "b1", "another rave", "op1")
	doc := []byte("<p>meet at the arches</p>")
	sum := sha256.Sum256(doc)
	sha := hex.EncodeToString(sum[:])
	if err := os.WriteFile(filepath.Join(blobs, sha+".html"), doc, 0o440); err != nil {
		t.Fatal(err)
	}
	b, err := e.store.AddBriefing(ctx, watch.BriefingVersion{Operation: "op1", Generator: "ana", SHA256: sha,
		Doc: watch.Briefing{Operation: watch.Operation{ID: "op1", Name: "Operation One"}, KeyHits: []watch.HitView{gone, kept}, HitCount: 2}})
	if err != nil {
		t.Fatal(err)
	}

	ana, root := e.signIn(t, "ana"), e.signIn(t, "root")
	if code, _ := ana.Get(t, "/retention"); code != http.StatusForbidden {
		t.Fatalf("an analyst opened /retention: HTTP %d", code)
	}
	if code, _ := ana.PostForm(t, "/retention/erase", url.Values{"scope": {"item"}, "kind": {"hit"}, "id": {fmt.Sprint(gone.ID)}, "reason": {"x"}, "confirm": {"yes"}}); code != http.StatusForbidden {
		t.Fatalf("an analyst erased: HTTP %d", code)
	}
	code, html := root.Get(t, "/retention")
	if code != http.StatusOK || !strings.Contains(html, `id="class-annotations"`) || !strings.Contains(html, "365 days") {
		t.Fatalf("retention page: HTTP %d\n%s", code, html)
	}
	form := url.Values{"scope": {"item"}, "kind": {"hit"}, "id": {fmt.Sprint(gone.ID)}}
	if code, html := root.PostForm(t, "/retention/erase", form); code != http.StatusBadRequest || !strings.Contains(html, "Give the reason") {
		t.Fatalf("no reason: HTTP %d", code)
	}
	form.Set("reason", "not the person sought")
	code, html = root.PostForm(t, "/retention/erase", form)
	if code != http.StatusOK || !strings.Contains(html, `id="preview-items">1<`) || !strings.Contains(html, `id="preview-hits">1<`) {
		t.Fatalf("preview: HTTP %d\n%s", code, html)
	}
	if _, err := e.store.Hit(ctx, gone.ID); err != nil {
		t.Fatal("the preview erased the hit")
	}

	// a board open on the operation sees the card go
	ws, _, err := e.dial(t, ana, fmt.Sprintf("board=op1&after=%d&epoch=%s", 0, e.store.Epoch()), e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	for range 2 { // the two hits already recorded
		read(t, ws)
	}
	form.Set("confirm", "yes")
	if code, _ := root.PostForm(t, "/retention/erase", form); code != http.StatusSeeOther {
		t.Fatalf("erase: HTTP %d", code)
	}
	code, html = root.Get(t, "/retention?erased=1")
	if code != http.StatusOK || !strings.Contains(html, "Erasure 1 made: 1 item(s) and 1 hit(s) erased, 1 briefing version(s) marked") {
		t.Fatalf("erase: HTTP %d\n%s", code, html)
	}
	m := read(t, ws)
	var data store.ErasedEvent
	if err := json.Unmarshal(m.Data, &data); m.Type != watch.EventErased || err != nil || len(data.HitIDs) != 1 || data.HitIDs[0] != gone.ID {
		t.Fatalf("board got %+v (%v)", m, err)
	}
	if code, _ := ana.Get(t, fmt.Sprintf("/api/hits/%d", gone.ID)); code != http.StatusNotFound {
		t.Fatalf("erased hit: HTTP %d", code)
	}
	// the briefing that quoted it is marked and no longer shows it
	code, html = ana.Get(t, fmt.Sprintf("/briefings/%d", b.ID))
	if code != http.StatusOK || !strings.Contains(html, `id="erased"`) || !strings.Contains(html, "not the person sought") ||
		strings.Contains(html, "meet at the arches") || !strings.Contains(html, "another rave") {
		t.Fatalf("marked briefing: HTTP %d\n%s", code, html)
	}
	if code, _ := ana.Get(t, fmt.Sprintf("/briefings/%d/download", b.ID)); code != http.StatusGone {
		t.Fatalf("an analyst downloaded a marked briefing's document: HTTP %d", code)
	}
	if code, body := root.Get(t, fmt.Sprintf("/briefings/%d/download", b.ID)); code != http.StatusOK || body != string(doc) {
		t.Fatalf("the admin's download of the record: HTTP %d", code)
	}
	if code, html := root.PostForm(t, "/retention/erase", form); code != http.StatusBadRequest || !strings.Contains(html, "There is no hit") {
		t.Fatalf("erasing again: HTTP %d", code)
	}
}

func TestBriefingDocumentPastItsClassIsGone(t *testing.T) {
	blobs := t.TempDir()
	e := newEnvWith(t, func(o *Options) {
		o.BlobDir = blobs
		o.Briefings = func(context.Context, string, string) (watch.BriefingVersion, error) {
			return watch.BriefingVersion{}, nil
		}
	})
	ctx := context.Background()
	e.addUser(t, "ana", watch.RoleAnalyst)
	b, err := e.store.AddBriefing(ctx, watch.BriefingVersion{Operation: "op1", Generator: "ana", SHA256: "feed",
		Doc: watch.Briefing{Operation: watch.Operation{ID: "op1", Name: "Operation One"}}})
	if err != nil {
		t.Fatal(err)
	}
	// a class of 1ns: everything already stored is past it
	if p, err := e.store.Prune(ctx, store.Classes{Documents: time.Nanosecond}); err != nil || len(p.Documents) != 1 {
		t.Fatalf("prune = %+v, %v", p, err)
	}
	ana := e.signIn(t, "ana")
	if code, body := ana.Get(t, fmt.Sprintf("/briefings/%d/download", b.ID)); code != http.StatusGone || !strings.Contains(body, "retention") {
		t.Fatalf("download of a pruned document: HTTP %d %s", code, body)
	}
}

// An admin erases an author and asks that their new posts not be
// collected: the preview says so, the suppression is listed by its keyed
// hash, the author's next post is dropped, and lifting it (with a reason)
// lets the next one in.
func TestEraseAndSuppressAnAuthorFromTheRetentionPage(t *testing.T) {
	e := newEnvWith(t, func(o *Options) {
		o.Retention = store.Classes{Items: 30 * 24 * time.Hour}
	})
	ctx := context.Background()
	e.addUser(t, "root", watch.RoleAdmin)
	root := e.signIn(t, "root")
	post := func(key string) bool {
		t.Helper()
		isNew, views, err := e.store.RecordItem(ctx, watch.Item{SourceID: "src", Key: key, Title: "rave", Author: "Jo Bloggs", URL: "https://example.org/" + key},
			[]watch.Hit{{ListID: "ume", Terms: []string{"rave"}, Operations: []string{"op1"}}})
		if err != nil {
			t.Fatal(err)
		}
		return isNew && len(views) == 1
	}
	post("p1")
	form := url.Values{"scope": {"author"}, "author": {"Jo Bloggs"}, "source": {""}, "reason": {"a child"}, "suppress": {"yes"}}
	code, html := root.PostForm(t, "/retention/erase", form)
	if code != http.StatusOK || !strings.Contains(html, `id="preview-suppress"`) || !strings.Contains(html, `name="suppress" value="yes"`) {
		t.Fatalf("preview: HTTP %d\n%s", code, html)
	}
	form.Set("confirm", "yes")
	if code, _ := root.PostForm(t, "/retention/erase", form); code != http.StatusSeeOther {
		t.Fatalf("erase: HTTP %d", code)
	}
	if post("p2") {
		t.Fatal("the suppressed author's new post was stored")
	}
	_, html = root.Get(t, "/retention")
	if !strings.Contains(html, `id="suppressions"`) || strings.Contains(html, "Bloggs") {
		t.Fatalf("the page lists no suppression, or names the author:\n%s", html)
	}
	sps, err := e.store.Suppressions(ctx)
	if err != nil || len(sps) != 1 {
		t.Fatalf("suppressions %+v, %v", sps, err)
	}
	if code, html := root.PostForm(t, "/retention/lift", url.Values{"target": {sps[0].Target}}); code != http.StatusBadRequest || !strings.Contains(html, "Give the reason") {
		t.Fatalf("lift without a reason: HTTP %d", code)
	}
	code, html = root.PostForm(t, "/retention/lift", url.Values{"target": {sps[0].Target}, "reason": {"the order ended"}})
	if code != http.StatusOK || !strings.Contains(html, `id="lifted"`) || !strings.Contains(html, `id="no-suppressions"`) {
		t.Fatalf("lift: HTTP %d\n%s", code, html)
	}
	if !post("p3") {
		t.Fatal("after the lift, the author's new post was not stored")
	}
}
