package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// canonicalEntry is what a custody entry's hash covers: every field but the
// hashes, in this order, times in UTC (RFC 3339, nanoseconds as needed),
// detail keys sorted (encoding/json sorts map keys), no insignificant space,
// UTF-8 with no HTML escaping, so other JSON tools can produce the same
// bytes (docs/evidence.md shows one).
type canonicalEntry struct {
	CaptureID int64             `json:"capture_id"`
	Seq       int               `json:"seq"`
	At        string            `json:"at"`
	Actor     string            `json:"actor"`
	Action    string            `json:"action"`
	Detail    map[string]string `json:"detail"`
}

// CanonicalJSON is the entry's canonical form, the bytes its hash covers.
func CanonicalJSON(e CustodyEntry) []byte {
	d := e.Detail
	if d == nil {
		d = map[string]string{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(canonicalEntry{CaptureID: e.CaptureID, Seq: e.Seq,
		At: e.At.UTC().Format(time.RFC3339Nano), Actor: e.Actor, Action: e.Action, Detail: d}); err != nil {
		panic(err) // strings and numbers only: cannot fail
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// ChainHash is the hash of an entry: SHA-256 over the previous entry's
// hash (hex; "" for the first) and the entry's canonical JSON, joined by a
// newline, in hex.
func ChainHash(prev string, e CustodyEntry) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte("\n"))
	h.Write(CanonicalJSON(e))
	return hex.EncodeToString(h.Sum(nil))
}

// VerifyChain checks that entries are one capture's log from its first
// entry on: numbered 1, 2, ..., each linked to and hashed over the one
// before. It names the first entry that breaks the chain.
func VerifyChain(entries []CustodyEntry) error {
	prev := ""
	for i, e := range entries {
		if e.Seq != i+1 {
			return fmt.Errorf("entry %d is numbered %d", i+1, e.Seq)
		}
		if e.PrevHash != prev {
			return fmt.Errorf("entry %d does not link to the entry before it", e.Seq)
		}
		if want := ChainHash(prev, e); e.Hash != want {
			return fmt.Errorf("entry %d (%s) was changed: its hash is %s, its content hashes to %s", e.Seq, e.Action, short(e.Hash), short(want))
		}
		prev = e.Hash
	}
	return nil
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}
