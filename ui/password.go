package ui

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/frequency"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/text/unicode/norm"

	"github.com/watchroom/watchroom/watch"
)

// Password rules, after NIST SP 800-63B (5.1.1) and the NCSC's guidance:
// length over composition, no composition rules, no forced periodic
// change, a deny-list of common and breached passwords, and nothing
// built from the user's own name. Twelve characters is above 800-63B's
// floor of eight because the console has no second factor; three random
// words, as the NCSC suggests, pass it easily.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256 // characters; well above 800-63B's "at least 64"
)

// ErrWeakPassword is wrapped by every refusal of a chosen password.
var ErrWeakPassword = errors.New("password refused")

// commonPasswords is zxcvbn's list of the 30,000 most common passwords
// (from leaked password sets), shipped in the binary through the
// trustelem/zxcvbn module (MIT); see docs/security.md.
var commonPasswords = func() map[string]struct{} {
	list := frequency.FrequencyLists["passwords"]
	m := make(map[string]struct{}, len(list))
	for _, p := range list {
		m[p] = struct{}{}
	}
	return m
}()

// CheckPassword says why pw may not be the password of the account
// called name, or nil. It is for a password a person chooses (added,
// changed); a temporary one from a reset is random.
func CheckPassword(name, pw string) error {
	pw = norm.NFKC.String(pw)
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return fmt.Errorf("%w: use at least %d characters (three random words make a good one)", ErrWeakPassword, MinPasswordLen)
	case n > MaxPasswordLen:
		return fmt.Errorf("%w: use at most %d characters", ErrWeakPassword, MaxPasswordLen)
	}
	lower := strings.ToLower(pw)
	if common(lower) {
		return fmt.Errorf("%w: it is one of the most common passwords", ErrWeakPassword)
	}
	distinct := map[rune]bool{}
	for _, r := range lower {
		distinct[r] = true
	}
	if len(distinct) < 4 {
		return fmt.Errorf("%w: it repeats too few characters", ErrWeakPassword)
	}
	if u := strings.ToLower(strings.TrimSpace(name)); utf8.RuneCountInString(u) >= 3 && strings.Contains(lower, u) {
		return fmt.Errorf("%w: it contains the user name", ErrWeakPassword)
	}
	return nil
}

// common reports a password on the deny-list, also once the digits and
// symbols people add at either end ("password123!") are taken off.
func common(lower string) bool {
	if _, ok := commonPasswords[lower]; ok {
		return true
	}
	core := strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) })
	if _, ok := commonPasswords[core]; ok && core != "" {
		return true
	}
	// a word or number repeated ("qwertyqwerty", "123456123456")
	for i := 1; i <= len(lower)/2; i++ {
		if len(lower)%i == 0 && strings.Repeat(lower[:i], len(lower)/i) == lower {
			if _, ok := commonPasswords[lower[:i]]; ok {
				return true
			}
		}
	}
	return false
}

// bcryptInput is what bcrypt is given for pw: its NFKC form, as
// 800-63B advises, and, past bcrypt's 72 bytes, the SHA-256 of that
// (base64), so a long passphrase is not cut short.
func bcryptInput(pw string) []byte {
	b := []byte(norm.NFKC.String(pw))
	if len(b) <= 72 {
		return b
	}
	sum := sha256.Sum256(b)
	return []byte(base64.StdEncoding.EncodeToString(sum[:]))
}

// passwordMatches compares pw with a stored bcrypt hash.
func passwordMatches(hash []byte, pw string) bool {
	if bcrypt.CompareHashAndPassword(hash, bcryptInput(pw)) == nil {
		return true
	}
	// hashes made before passwords were normalised took the raw bytes
	if raw := []byte(pw); len(raw) <= 72 && string(raw) != string(bcryptInput(pw)) {
		return bcrypt.CompareHashAndPassword(hash, raw) == nil
	}
	return false
}

// CheckUserName refuses names that could mislead a reader of the audit
// log or a page: control, format (bidi overrides, zero-width) and
// private-use characters, line separators, and over-long names.
func CheckUserName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("a user name is required")
	}
	if !utf8.ValidString(name) {
		return errors.New("a user name must be valid UTF-8")
	}
	if utf8.RuneCountInString(name) > 64 {
		return errors.New("a user name may have at most 64 characters")
	}
	for _, r := range name {
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs, unicode.Zl, unicode.Zp) || (unicode.IsSpace(r) && r != ' ') {
			return fmt.Errorf("a user name may not contain the character %U", r)
		}
	}
	return nil
}

// TemporaryPassword makes the password an admin's reset hands over:
// 100 random bits as 20 letters and digits in groups of five, easy to
// read out and type.
func TemporaryPassword() string {
	t := strings.ToLower(rand.Text()[:20])
	return t[0:5] + "-" + t[5:10] + "-" + t[10:15] + "-" + t[15:20]
}

// AccountState is an account's state in a word: active, disabled,
// deleted, or must-change (a reset not yet followed by a new password).
func AccountState(u watch.User) string {
	switch {
	case !u.Deleted.IsZero():
		return "deleted"
	case u.Disabled:
		return "disabled"
	case u.MustChange:
		return "must-change"
	}
	return "active"
}
