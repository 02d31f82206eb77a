package evidence_test

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/fetch"
)

// BenchmarkCapture is one raw capture of a local page: fetch, WARC, the
// file stored, the capture and its custody and audit entries committed;
// no rendering. Its baseline, in the same run, is a plain fetch.Get of the
// same page, so the ratio is what keeping it as evidence costs.
func BenchmarkCapture(b *testing.B) {
	r := newRig(b, evidence.Options{})
	ctx := context.Background()
	b.Run("baseline_get", func(b *testing.B) {
		f := newFetcher(b, true)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := f.Get(ctx, fetch.Request{URL: fmt.Sprintf("%s/p/%d", r.site.URL, i)}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("capture", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := r.svc.Capture(ctx, evidence.CaptureRequest{URL: fmt.Sprintf("%s/p/%d", r.site.URL, i), By: "bench", Note: "bench"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkExport500 exports a case of 500 exhibits (a WARC each, a sheet
// each, one statement draft) as a signed zip.
func BenchmarkExport500(b *testing.B) {
	r := newRig(b, evidence.Options{})
	ctx := context.Background()
	k, err := r.svc.OpenCase(ctx, evidence.NewCase{Reference: "BENCH/1", Officer: "DC Jones", Purpose: "bench", By: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 500 {
		c, err := r.svc.Capture(ctx, evidence.CaptureRequest{URL: fmt.Sprintf("%s/p/%d", r.site.URL, i), By: "bench", Note: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.svc.AddExhibit(ctx, evidence.NewExhibit{CaseID: k.ID, CaptureID: c.ID, Producer: "Jane Smith", By: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	var size int64
	for b.Loop() {
		out, err := r.svc.Export(ctx, k.ID, "bench", io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		size = out.Size
	}
	b.ReportMetric(float64(size)/(1<<20), "MiB/package")
}
