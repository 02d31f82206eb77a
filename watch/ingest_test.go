package watch_test

import (
	"context"
	"errors"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

// Pushed items go through the matcher and store like polled ones; a push
// to a paused source is refused and records nothing.
func TestPipelineRecordPushed(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	src := watch.Source{ID: "scanner", Kind: "webhook"}
	items := []watch.Item{{SourceID: "scanner", Key: "a", Title: "Free party tonight"}, {SourceID: "scanner", Key: "b", Title: "Bake sale"}}
	rep, err := r.p.Record(ctx, src, items, nil)
	if err != nil || rep.Items != 2 || rep.New != 2 || rep.Hits != 1 {
		t.Fatalf("record: %+v %v", rep, err)
	}
	if r.hits(t) != 1 {
		t.Fatalf("%d hits, want 1", r.hits(t))
	}
	if h, _ := r.st.SourceHealth(ctx, "scanner"); h.State != "ok" || h.LastSuccess.IsZero() {
		t.Errorf("health %+v", h)
	}
	if rep, err := r.p.Record(ctx, src, items, nil); err != nil || rep.New != 0 {
		t.Errorf("again: %+v %v, want nothing new", rep, err)
	}
	if _, err := r.st.SetSourcePaused(ctx, "scanner", true, "ann"); err != nil {
		t.Fatal(err)
	}
	more := []watch.Item{{SourceID: "scanner", Key: "c", Title: "Rave at the mill"}}
	if _, err := r.p.Record(ctx, src, more, nil); !errors.Is(err, watch.ErrPaused) {
		t.Fatalf("paused: %v", err)
	}
	if r.hits(t) != 1 {
		t.Errorf("a paused source recorded a push")
	}
}

// A capture that matches a list is that list's hit; one that matches none
// is kept on the manual list, on no operation's board.
func TestPipelineCapture(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	isNew, views, err := r.p.Capture(ctx, watch.Item{SourceID: "manual", Key: "u1", Title: "Free party flyer"})
	if err != nil || !isNew || len(views) != 1 || views[0].ListID != "ume" || len(views[0].Operations) != 1 {
		t.Fatalf("matching capture: %v %+v %v", isNew, views, err)
	}
	isNew, views, err = r.p.Capture(ctx, watch.Item{SourceID: "manual", Key: "u2", Title: "Bake sale"})
	if err != nil || !isNew || len(views) != 1 || views[0].ListID != watch.ListManual || len(views[0].Operations) != 0 {
		t.Fatalf("unmatched capture: %v %+v %v", isNew, views, err)
	}
	if isNew, _, err := r.p.Capture(ctx, watch.Item{SourceID: "manual", Key: "u2", Title: "Bake sale"}); err != nil || isNew {
		t.Fatalf("second capture: new %v, %v", isNew, err)
	}
}
