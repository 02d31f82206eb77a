package watch

import (
	"reflect"
	"testing"
)

func TestTopCounts(t *testing.T) {
	got := TopCounts(map[string]int{"rave": 3, "party": 5, "drill": 3, "meet": 1}, 3)
	want := []Count{{Label: "party", N: 5}, {Label: "drill", N: 3}, {Label: "rave", N: 3}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("TopCounts = %v, want %v", got, want)
	}
	if got := TopCounts(nil, 3); len(got) != 0 {
		t.Fatalf("TopCounts(nil) = %v", got)
	}
}
