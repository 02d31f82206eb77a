package match_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch/match"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		query string
		want  string // canonical form
		terms []string
	}{
		{`drill`, `drill`, []string{"drill"}},
		{`drill music`, `drill AND music`, []string{"drill", "music"}},
		{`drill AND music`, `drill AND music`, nil},
		{`drill OR grime`, `drill OR grime`, nil},
		{`a b OR c d`, `(a AND b) OR (c AND d)`, nil},
		{`a OR b c`, `a OR (b AND c)`, nil},
		{`(a OR b) c`, `(a OR b) AND c`, nil},
		{`a AND (b OR (c AND NOT d))`, `a AND (b OR (c AND NOT d))`, nil},
		{`drill -police`, `drill AND NOT police`, []string{"drill"}}, // police is an exclusion (TestExclusions)
		{`drill NOT police`, `drill AND NOT police`, nil},
		{`drill -(police OR met)`, `drill AND NOT (police OR met)`, nil},
		{`"free party"`, `"free party"`, []string{`"free party"`}},
		{`"free  party"~spaced`, `"free party"~spaced`, nil},
		{`drill*`, `drill*`, nil},
		{`"drill* music"`, `"drill* music"`, nil},
		{`"meet" NEAR/5 "tonight"`, `meet NEAR/5 tonight`, []string{`"meet"`, `"tonight"`}},
		{`meet NEAR/0 tonight`, `meet NEAR/0 tonight`, nil},
		{`author:bob`, `author:bob`, []string{"author:bob"}},
		{`Author:"Bob Smith"`, `author:"Bob Smith"`, nil},
		{`title:rave url:bit.ly`, `title:rave AND url:"bit ly"`, nil},
		{`url:https://example.org/x`, `url:"https example org x"`, nil},
		{`#drill @dj`, `#drill AND @dj`, []string{"#drill", "@dj"}},
		{`title:#drill`, `title:#drill`, nil},
		{`d.r.i.l.l`, `d.r.i.l.l`, nil},
		{`rave's`, `"rave s"`, nil},
		{`10:30`, `"10 30"`, nil},
		{`drill~exact`, `drill~exact`, nil},
		{`drill~nosubs~norepeat`, `drill~nosubs~norepeat`, nil},
		{`café~accents`, `café~accents`, nil},
		{`"AND"`, `"AND"`, nil},
		{`and or not`, `and AND or AND not`, nil},
		{`🔫`, `🔫`, nil},
		{`"🇺🇦"`, `"🇺 🇦"`, nil},
		{`вечеринка OR حفلة OR 和平`, `вечеринка OR حفلة OR "和 平"`, nil},
		{"drill\n\tOR\ngrime", `drill OR grime`, nil},
		{`$hit p@rty`, `$hit AND p@rty`, nil},
		{`rave rave`, `rave AND rave`, []string{"rave"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, err := match.Parse(tt.query)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := q.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			again, err := match.Parse(q.String())
			if err != nil || again.String() != q.String() {
				t.Errorf("canonical form does not parse back: %v, %v", again, err)
			}
			if tt.terms != nil && !reflect.DeepEqual(q.Terms(), tt.terms) {
				t.Errorf("Terms() = %q, want %q", q.Terms(), tt.terms)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		query    string
		pos, end int
		col      int
		msg      string // part of the message
		caret    string // the caret line
	}{
		{``, 0, 0, 1, "empty query", "^"},
		{`   `, 0, 3, 1, "empty query", "^^^"},
		{`drill AND`, 6, 9, 7, "AND needs a term after it", "      ^^^"},
		{`drill OR`, 6, 8, 7, "OR needs a term after it", "      ^^"},
		{`OR drill`, 0, 2, 1, "expected a term, found OR", "^^"},
		{`drill AND OR grime`, 10, 12, 11, "expected a term after AND, found OR", "          ^^"},
		{`(drill OR grime`, 0, 1, 1, "unclosed (", "^"},
		{`drill)`, 5, 6, 6, "unexpected ): no ( to close", "     ^"},
		{`()`, 0, 2, 1, "empty parentheses", "^^"},
		{`drill ( )`, 6, 9, 7, "empty parentheses", "      ^^^"},
		{`"free party`, 0, 11, 1, "unclosed quote", "^^^^^^^^^^^"},
		{`drill "free party`, 6, 17, 7, "unclosed quote", "      ^^^^^^^^^^^"},
		{`""`, 0, 2, 1, "no letters, digits or emoji", "^^"},
		{`!!!`, 0, 3, 1, `"!!!" has no letters`, "^^^"},
		{`foo:bar`, 0, 4, 1, `unknown field "foo:"`, "^^^^"},
		{`author: bob`, 0, 7, 1, "author: needs a term", "^^^^^^^"},
		{`# drill`, 0, 1, 1, "# needs the hashtag", "^"},
		{`@ dj`, 0, 1, 1, "@ needs the mention", "^"},
		{`#"drill music"`, 0, 1, 1, "# needs the hashtag", "^"},
		{`#rave's`, 0, 7, 1, "a hashtag or mention is a single word", "^^^^^^^"},
		{`author:#x`, 0, 8, 1, "are looked for in titles and texts", "^^^^^^^^"},
		{`- drill`, 0, 1, 1, "remove the space", "^"},
		{`d* x`, 0, 2, 1, "at least two letters before *", "^^"},
		{`drill~fast`, 5, 10, 6, `unknown option "~fast"`, "     ^^^^^"},
		{`drill*~spaced`, 0, 13, 1, "~spaced does not work with a wildcard", "^^^^^^^^^^^^^"},
		{`drill"x"`, 5, 6, 6, `unexpected "\"" after a term`, "     ^"},
		{`~spaced`, 0, 1, 1, "expected a term here", "^"},
		{`a NEAR b`, 2, 6, 3, "NEAR needs a distance", "  ^^^^"},
		{`a NEAR/x b`, 2, 8, 3, "NEAR needs a distance", "  ^^^^^^"},
		{`a NEAR/101 b`, 2, 10, 3, "more than 100 words", "  ^^^^^^^^"},
		{`a NEAR/3`, 2, 8, 3, "NEAR needs a term after it", "  ^^^^^^"},
		{`NEAR/3 a`, 0, 6, 1, "expected a term, found NEAR", "^^^^^^"},
		{`(a OR b) NEAR/3 c`, 0, 8, 1, "NEAR joins two terms or phrases, not a group", "^^^^^^^^"},
		{`a NEAR/3 (b OR c)`, 9, 10, 10, "NEAR joins two terms or phrases, found (", "         ^"},
		{`a NEAR/3 b NEAR/3 c`, 11, 17, 12, "NEAR joins two terms", "           ^^^^^^"},
		{`NOT drill`, 0, 9, 1, "matches items that contain none of the terms", "^^^^^^^^^"},
		{`-drill`, 0, 6, 1, "matches items that contain none", "^^^^^^"},
		{`drill OR -police`, 9, 16, 10, "matches items that contain none", "         ^^^^^^^"},
		{`drill OR (NOT a AND NOT b)`, 9, 26, 10, "matches items that contain none", "         ^^^^^^^^^^^^^^^^^"},
		{`NOT`, 0, 3, 1, "NOT needs a term after it", "^^^"},
		{"drill OR\ngrime AND", 15, 18, 7, "AND needs a term after it", "      ^^^"},
		{`和平 AND`, 7, 10, 4, "AND needs a term after it", "     ^^^"},
		{`вечеринка AND`, 19, 22, 11, "AND needs a term after it", "          ^^^"},
		{strings.Repeat("(", 70) + "a" + strings.Repeat(")", 70), 65, 66, 66, "nested more than 64 deep", strings.Repeat(" ", 65) + "^"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, err := match.Parse(tt.query)
			var e *match.Error
			if !errors.As(err, &e) || q != nil {
				t.Fatalf("Parse = %v, %v; want an *Error", q, err)
			}
			if e.Pos != tt.pos || e.End != tt.end || e.Column != tt.col {
				t.Errorf("Pos, End, Column = %d, %d, %d; want %d, %d, %d (%v)", e.Pos, e.End, e.Column, tt.pos, tt.end, tt.col, e)
			}
			if !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("message %q lacks %q", e.Msg, tt.msg)
			}
			lines := strings.Split(e.Caret(tt.query), "\n")
			if len(lines) != 2 || lines[1] != tt.caret {
				t.Errorf("Caret =\n%s\nwant the caret line %q", e.Caret(tt.query), tt.caret)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	_, err := match.Parse("drill OR\ngrime AND")
	if got, want := err.Error(), "line 2, column 7: AND needs a term after it"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	_, err = match.Parse("drill AND")
	if got, want := err.Error(), "column 7: AND needs a term after it"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	// The caret line takes wide runes as two columns.
	e := &match.Error{Pos: len("和平 "), End: len("和平 x")}
	if got, want := e.Caret("和平 x"), "和平 x\n     ^"; got != want {
		t.Errorf("Caret = %q, want %q", got, want)
	}
}

func TestCompileQueryErrors(t *testing.T) {
	tests := []struct {
		name string
		list match.List
		want error
	}{
		{"query and terms", match.List{ID: "a", Query: "x", Terms: []string{"y"}}, match.ErrQueryAndTerms},
		{"severity", match.List{ID: "a", Query: "x", Severity: "urgent"}, match.ErrSeverity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := match.Compile([]match.List{tt.list}); !errors.Is(err, tt.want) {
				t.Fatalf("Compile: %v, want %v", err, tt.want)
			}
		})
	}
	_, err := match.Compile([]match.List{{ID: "ok", Query: "drill"}, {ID: "bad", Query: "drill AND"}})
	var qe *match.QueryError
	var pe *match.Error
	if !errors.As(err, &qe) || qe.ListID != "bad" || qe.Query != "drill AND" || !errors.As(err, &pe) || pe.Pos != 6 {
		t.Fatalf("Compile: %v", err)
	}
	if want := `watch list "bad", query: column 7: AND needs a term after it`; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// FuzzParse checks that any query either parses to a canonical form that
// parses back to itself, or fails with a position inside the query.
func FuzzParse(f *testing.F) {
	for _, q := range []string{`drill`, `"meet" NEAR/5 "tonight"`, `(a OR b) -c`, `author:"bob smith" #drill @dj`,
		`drill*~spaced`, `d.r.i.l.l~exact`, `NOT`, `"unclosed`, `((((a))))`, `a NEAR/3 b NEAR/3 c`, `和平 OR 🔫`, "a\nOR\n"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		q, err := match.Parse(query)
		if err != nil {
			var e *match.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			if e.Pos < 0 || e.End < e.Pos || e.End > len(query) || e.Column < 1 || e.Line < 1 {
				t.Fatalf("error %+v outside %q", e, query)
			}
			if lines := strings.Split(e.Caret(query), "\n"); len(lines) != 2 || !strings.Contains(lines[1], "^") {
				t.Fatalf("Caret = %q", e.Caret(query))
			}
			return
		}
		canon := q.String()
		again, err := match.Parse(canon)
		if err != nil {
			t.Fatalf("%q parses, its canonical form %q does not: %v", query, canon, err)
		}
		if again.String() != canon {
			t.Fatalf("canonical form of %q is %q, then %q", query, canon, again.String())
		}
		if len(q.Terms()) == 0 {
			t.Fatalf("%q has no terms", query)
		}
	})
}

func TestExclusions(t *testing.T) {
	for _, c := range []struct {
		query       string
		terms, excl string
	}{
		{`drill -police`, "drill", "police"},
		{`(drill OR grime) AND ("free party" OR rave*) -police -football`, `drill|grime|"free party"|rave*`, "police|football"},
		{`NOT (NOT rave)`, "rave", ""},
		{`rave NOT "pull up"`, "rave", `"pull up"`},
	} {
		q, err := match.Parse(c.query)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(q.Terms(), "|"); got != c.terms {
			t.Errorf("%s: Terms %q, want %q", c.query, got, c.terms)
		}
		if got := strings.Join(q.Exclusions(), "|"); got != c.excl {
			t.Errorf("%s: Exclusions %q, want %q", c.query, got, c.excl)
		}
	}
}
