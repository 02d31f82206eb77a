package source_test

import (
	"reflect"
	"testing"

	"github.com/watchroom/watchroom/watch/source"
)

func TestRegistry(t *testing.T) {
	if got := source.Kinds(); !reflect.DeepEqual(got, []string{"feed"}) {
		t.Errorf("Kinds() = %q", got)
	}
	for _, k := range source.Kinds() {
		if p, ok := source.Lookup(k); !ok || p == nil {
			t.Errorf("Lookup(%q) = %v, %v", k, p, ok)
		}
	}
	if p, ok := source.Lookup("telegram"); ok || p != nil {
		t.Errorf("Lookup of an unknown kind = %v, %v", p, ok)
	}
}
