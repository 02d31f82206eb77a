package config

import (
	"slices"
	"testing"
)

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "w.yaml", Line: 12, Col: 15, Path: "sources[1].schedule", Msg: "bad"}, "w.yaml:12:15: sources[1].schedule: bad"},
		{Problem{File: "w.yaml", Line: 3, Msg: "YAML syntax error: x"}, "w.yaml:3: YAML syntax error: x"},
		{Problem{File: "$WATCHROOM_LISTEN", Path: "server.listen", Msg: "bad"}, "$WATCHROOM_LISTEN: server.listen: bad"},
		{Problem{File: "w.yaml", Line: 1, Col: 1, Msg: "want a mapping"}, "w.yaml:1:1: want a mapping"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestProblemsSort(t *testing.T) {
	ps := Problems{
		{Line: 3, Col: 1, Msg: "c"},
		{Line: 1, Col: 9, Msg: "b"},
		{Line: 1, Col: 2, Msg: "a1"},
		{Line: 1, Col: 2, Msg: "a2"},
		{Line: 0, Msg: "env"},
	}
	ps.sort()
	var got []string
	for _, p := range ps {
		got = append(got, p.Msg)
	}
	if want := []string{"env", "a1", "a2", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("sorted = %v, want %v", got, want)
	}
}

func TestExpand(t *testing.T) {
	vars := map[string]string{"A": "x", "B_2": "y", "EMPTY": "", "NESTED": "${A}"}
	tests := []struct {
		in, want string
		msgs     []string
	}{
		{in: "plain $ text", want: "plain $ text"},
		{in: "${A}", want: "x"},
		{in: "a${A}b${B_2}c", want: "axbyc"},
		{in: "[${EMPTY}]", want: "[]"},
		{in: "${NESTED}", want: "${A}"}, // values are not expanded again
		{in: "$${A}", want: "${A}"},
		{in: "$$${A}", want: "$${A}"},
		{in: "${MISSING}", want: "", msgs: []string{"unknown variable ${MISSING}"}},
		{in: "${}", want: "${}", msgs: []string{`bad variable reference "${}": want ${NAME} (write $${ for a literal ${)`}},
		{in: "${1A}", want: "${1A}", msgs: []string{`bad variable reference "${1A}": want ${NAME} (write $${ for a literal ${)`}},
		{in: "${A", want: "${A", msgs: []string{`bad variable reference "${A": want ${NAME} (write $${ for a literal ${)`}},
		{in: "${X}${Y}", want: "", msgs: []string{"unknown variable ${X}", "unknown variable ${Y}"}},
	}
	for _, tt := range tests {
		got, msgs := expand(tt.in, vars)
		if got != tt.want || !slices.Equal(msgs, tt.msgs) {
			t.Errorf("expand(%q) = %q, %q; want %q, %q", tt.in, got, msgs, tt.want, tt.msgs)
		}
	}
}
