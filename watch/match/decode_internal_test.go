package match

import (
	"testing"
	"unicode/utf8"
)

// TestDecodeTwoByte checks the tokenizer's inline decoding of two-byte
// sequences against the standard library, for every pair of bytes after
// each lead byte, at the end of the text too, and with invalid sequences.
func TestDecodeTwoByte(t *testing.T) {
	tz := tokenizer{rt: sharedRuneTable()}
	check := func(s string) {
		t.Helper()
		r, w, inf := tz.decode(s, 0)
		wantR, wantW := utf8.DecodeRuneInString(s)
		wantInf := tz.rt.info(wantR)
		if wantR == utf8.RuneError && wantW <= 1 {
			wantW, wantInf = 1, runeInfo{}
		}
		if r != wantR || w != wantW || inf != wantInf {
			t.Fatalf("decode(%q) = %U, %d, %+v; want %U, %d, %+v", s, r, w, inf, wantR, wantW, wantInf)
		}
		if got, ok := twoByte(s, 0); ok != (wantW == 2) || ok && got != wantR {
			t.Fatalf("twoByte(%q) = %U, %v; want %U of width %d", s, got, ok, wantR, wantW)
		}
	}
	for b0 := 0x80; b0 <= 0xFF; b0++ {
		check(string([]byte{byte(b0)}))
		for b1 := range 0x100 {
			check(string([]byte{byte(b0), byte(b1)}))
			check(string([]byte{byte(b0), byte(b1), 0x80}))
		}
	}
}

// TestWordEndTwoByte checks that words in two-byte scripts end where the
// runes stop being letters, as decode reads them.
func TestWordEndTwoByte(t *testing.T) {
	tz := tokenizer{rt: sharedRuneTable()}
	for _, tc := range []struct {
		s    string
		end  int
		flag tokFlags
	}{
		{"вечеринка, x", len("вечеринка"), 0},
		{"حفلة. x", len("حفلة"), 0},
		{"café»", len("café"), 0},
		{"ж", len("ж"), tokSingle},
		{"abc\xd0", 3, tokASCII}, // a lead byte cut off at the end separates
		{"ab\xd0\x41", 2, tokASCII},
	} {
		end, fl := tz.wordEnd(tc.s, 0)
		if end != tc.end || fl&(tokASCII|tokSingle) != tc.flag {
			t.Errorf("wordEnd(%q) = %d, %b; want %d, %b", tc.s, end, fl, tc.end, tc.flag)
		}
	}
}
