package ui

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestPasswordHashNormalisesAndKeepsLongPassphrasesWhole(t *testing.T) {
	long := strings.Repeat("tide mirror otter ", 5) // 90 bytes: past bcrypt's 72
	h, err := HashPasswordCost(long+"one", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if passwordMatches([]byte(h), long+"two") {
		t.Error("two passphrases differing after byte 72 match")
	}
	if !passwordMatches([]byte(h), long+"one") {
		t.Error("the passphrase itself does not match")
	}
	// NFKC: the full-width form typed on another keyboard layout is the same password
	h, err = HashPasswordCost("Ｓｔａｐｌｅ orbit lantern", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if !passwordMatches([]byte(h), "Staple orbit lantern") {
		t.Error("NFKC-equivalent passwords differ")
	}
	// a hash made before normalisation still matches its password
	old, _ := bcrypt.GenerateFromPassword([]byte("ﬁne staple orbit"), bcrypt.MinCost)
	if !passwordMatches(old, "ﬁne staple orbit") {
		t.Error("an older, unnormalised hash no longer matches")
	}
}

func TestTemporaryPasswordPassesThePolicy(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		p := TemporaryPassword()
		if err := CheckPassword("pc1", p); err != nil || seen[p] {
			t.Fatalf("%q: %v (repeat %v)", p, err, seen[p])
		}
		seen[p] = true
	}
}
