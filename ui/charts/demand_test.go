package charts

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestWeeklyHasEverySeries(t *testing.T) {
	opt := Weekly("Throughput", []string{"w1", "w2"}, []Series{{Name: "received", Values: []int{3, 4}}, {Name: "backlog", Values: []int{5, 6}, Line: true}})
	b, err := json.Marshal(opt)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"received"`, `"backlog"`, `"line"`, `"bar"`, `"w2"`} {
		if !strings.Contains(s, want) {
			t.Errorf("option lacks %s: %s", want, s)
		}
	}
}
