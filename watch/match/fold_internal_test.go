package match

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// The tokenizer folds most tokens rune by rune from a table; a token with a
// rune that NFKC may merge with its neighbour is folded whole. The two must
// agree wherever the table is used.
func TestRuneByRuneFoldAgreesWithWholeFold(t *testing.T) {
	rt := sharedRuneTable()
	f := newFolder()
	var fast []rune
	for r := rune(0); r < 0x10000; r++ {
		inf := rt.info(r)
		if inf.flags&rWord == 0 || inf.flags&(rSlow|rDrop) != 0 || !utf8.ValidRune(r) {
			fast = fast[:0]
			continue
		}
		fast = append(fast, r)
		want := f.fold(string(r), false)
		var got string
		switch {
		case inf.flags&rIdent != 0:
			got = string(r)
		default:
			got = inf.fold
		}
		if got != want {
			t.Errorf("U+%04X %q: table folds to %q, whole fold %q", r, r, got, want)
		}
	}
	// Random words of table runes: folding each rune and folding the
	// word give the same.
	var pool []rune
	for _, rg := range [][2]rune{{'A', 'z'}, {0xC0, 0x24F}, {0x370, 0x3FF}, {0x400, 0x4FF}, {0x600, 0x6FF}, {0x3040, 0x30FF}, {0xFF10, 0xFF5A}, {0x4E00, 0x4E40}} {
		for r := rg[0]; r <= rg[1]; r++ {
			if inf := rt.info(r); inf.flags&rWord != 0 && inf.flags&rSlow == 0 {
				pool = append(pool, r)
			}
		}
	}
	m := &Matcher{rt: rt}
	sc := &scratch{f: f}
	tz := tokenizer{rt: rt}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(8) {
			b.WriteRune(pool[rng.IntN(len(pool))])
		}
		s := b.String()
		tok, _, ok := tz.next(s, 0)
		if !ok || tok.flags&tokSlow != 0 {
			continue
		}
		got := string(m.foldToken(sc, s, tok, false, nil))
		if want := f.fold(s[tok.start:tok.end], false); got != want {
			t.Fatalf("%q: rune by rune %q, whole %q", s[tok.start:tok.end], got, want)
		}
	}
}

func TestTokenizer(t *testing.T) {
	tz := tokenizer{rt: sharedRuneTable()}
	tests := []struct {
		text string
		want []string // tokens, with # or @ before those so marked, and + after joined ones
	}{
		{"a rave, tonight!", []string{"a", "rave", "tonight"}},
		{"#drill @dj", []string{"#drill", "@dj"}},
		{"p@rty ca$h $hit ki$$ $5", []string{"p@rty", "ca$h", "$hit", "ki$$", "5"}},
		{"me@ home", []string{"me", "home"}},
		{"d.r.i.l.l U.K. 1.2.3 e-mail", []string{"d.r.i.l.l+", "U.K+", "1", "2", "3", "e", "mail"}},
		{"d r i l l", []string{"d", "r", "i", "l", "l"}},
		{"和平鸽 iPhone手机", []string{"和", "平", "鸽", "iPhone", "手", "机"}},
		{"ﾃﾞｰﾀ", []string{"ﾃﾞｰ", "ﾀ"}}, // the prolonged sound mark extends the kana before it
		{"🔫️🔪 ok👍🏽", []string{"🔫️", "🔪", "ok", "👍🏽"}},
		{"مـحـمـد x\xffy", []string{"مـحـمـد", "x", "y"}},
	}
	for _, tt := range tests {
		var got []string
		for i := 0; ; {
			tok, after, ok := tz.next(tt.text, i)
			if !ok {
				break
			}
			w := tt.text[tok.start:tok.end]
			if tok.flags&tokHash != 0 {
				w = "#" + w
			}
			if tok.flags&tokMention != 0 {
				w = "@" + w
			}
			if tok.flags&tokJoined != 0 {
				w += "+"
			}
			got = append(got, w)
			i = after
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%q: tokens %q, want %q", tt.text, got, tt.want)
		}
	}
}
