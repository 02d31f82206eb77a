package fetch

import (
	"net"
	"testing"

	"golang.org/x/time/rate"
)

func TestOptionsDefaults(t *testing.T) {
	o, err := Options{UserAgent: "x"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if o.PerHostConcurrency != 2 || o.PerHostRate != 1 || o.PerHostBurst != 2 {
		t.Errorf("per host: %d slots, %v/s, burst %d; want 2, 1/s, 2", o.PerHostConcurrency, o.PerHostRate, o.PerHostBurst)
	}
	if o.Resolver != net.DefaultResolver {
		t.Errorf("resolver %v, want net.DefaultResolver", o.Resolver)
	}
	if o, _ := (Options{UserAgent: "x", PerHostRate: rate.Inf}).withDefaults(); o.PerHostRate != rate.Inf {
		t.Errorf("rate.Inf became %v", o.PerHostRate)
	}
	for _, bad := range []Options{
		{UserAgent: "x", PerHostConcurrency: -1},
		{UserAgent: "x", PerHostRate: -1},
		{UserAgent: "x", PerHostBurst: -1},
	} {
		if _, err := bad.withDefaults(); err == nil {
			t.Errorf("%+v: want an error", bad)
		}
	}
}
