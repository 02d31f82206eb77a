package watch

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// AuditCheckpoint is a signed statement of how far the audit log went at
// a moment: its head row and hash and how many rows it held. Kept in the
// database and appended to a file the database's owner cannot rewrite, it
// lets a verification tell a truncated or rewritten log from a good one.
type AuditCheckpoint struct {
	ID       int64     `json:"id,omitempty"` // the database's; 0 in a file
	At       time.Time `json:"at"`
	HeadID   int64     `json:"head_id"`   // the newest row's id; 0 for an empty log
	HeadHash string    `json:"head_hash"` // the newest row's hash; "" for an empty log
	Rows     int64     `json:"rows"`
	Key      string    `json:"key"` // the signing key's fingerprint
	Sig      string    `json:"sig"` // Ed25519 over Message, base64
}

// Message is what the signature covers: every field but the signature and
// the database's own id, in a fixed text form.
func (c AuditCheckpoint) Message() []byte {
	return fmt.Appendf(nil, "watchroom audit checkpoint v1\nat=%s\nhead_id=%d\nhead_hash=%s\nrows=%d\nkey=%s\n",
		c.At.UTC().Format(time.RFC3339Nano), c.HeadID, c.HeadHash, c.Rows, c.Key)
}

// Sign sets Key to the signing key's fingerprint and Sig to what sign
// (Ed25519 with that key) makes of Message.
func (c *AuditCheckpoint) Sign(fingerprint string, sign func(msg []byte) []byte) {
	c.Key = fingerprint
	c.Sig = base64.StdEncoding.EncodeToString(sign(c.Message()))
}

// SignedBy reports whether pub made the signature.
func (c AuditCheckpoint) SignedBy(pub ed25519.PublicKey) bool {
	sig, err := base64.StdEncoding.DecodeString(c.Sig)
	return err == nil && len(pub) == ed25519.PublicKeySize && ed25519.Verify(pub, c.Message(), sig)
}

// What an audit verification found wrong.
const (
	AuditBroken    = "broken"    // a row's hash does not follow from its content and its predecessor: edited or removed
	AuditTruncated = "truncated" // fewer rows than a checkpoint says, or its head row missing
	AuditRewritten = "rewritten" // the chain holds, but not the rows a checkpoint signed
	AuditBadSig    = "signature" // a checkpoint not signed by the installation's key
)

// AuditFinding is one thing a verification found wrong.
type AuditFinding struct {
	Kind       string
	Row        int64            // the row concerned (Broken, Rewritten), if any
	Checkpoint *AuditCheckpoint // the checkpoint concerned, if any
	Message    string
}

// AuditReport is the result of checking the audit log's chain and
// checkpoints against its rows.
type AuditReport struct {
	Rows        int64 // rows ever written up to the head (kept and removed by retention)
	Removed     int64 // of which removed by the audit log's retention class
	Prunes      []AuditPrune
	HeadID      int64
	HeadHash    string
	Checkpoints int // how many were checked
	Findings    []AuditFinding
}

// AuditPrune is one removal of the audit log's oldest rows by its
// retention class: rows up to ThroughID (the newest removed, written at
// ThroughAt, hash ThroughHash) went, Rows of them, at At.
type AuditPrune struct {
	At          time.Time     `json:"at"`
	OlderThan   time.Duration `json:"older_than"`
	ThroughID   int64         `json:"through_id"`
	ThroughHash string        `json:"through_hash"`
	ThroughAt   time.Time     `json:"through_at"`
	Rows        int64         `json:"rows"`
}

// AuditUnlawful is a finding: rows removed from the start of the log that
// were younger than the class the removal claims.
const AuditUnlawful = "removed-too-young"

// OK reports whether nothing was found wrong.
func (r AuditReport) OK() bool { return len(r.Findings) == 0 }

// maxCheckpointLine caps one line of a checkpoint file: a checkpoint is
// about 300 bytes.
const maxCheckpointLine = 4096

// ReadAuditCheckpoints reads a checkpoint file: one JSON object a line,
// as AppendAuditCheckpoint writes them; blank lines are skipped. The file
// comes from outside the database, so it is read strictly: an unknown
// field, a line past 4 KiB or anything after the object is an error naming
// the line.
func ReadAuditCheckpoints(r io.Reader) ([]AuditCheckpoint, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), maxCheckpointLine)
	var out []AuditCheckpoint
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		var c AuditCheckpoint
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("checkpoint line %d: %w", n, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("checkpoint line %d: more than one object", n)
		}
		if c.Rows < 0 || c.HeadID < 0 {
			return nil, fmt.Errorf("checkpoint line %d: negative count", n)
		}
		c.ID = 0 // a file's checkpoints are not the database's rows
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("checkpoint line %d: longer than %d bytes", n+1, maxCheckpointLine)
		}
		return nil, fmt.Errorf("checkpoint file: %w", err)
	}
	return out, nil
}

// AuditCheckpointLine is c as one line of a checkpoint file.
func AuditCheckpointLine(c AuditCheckpoint) []byte {
	c.ID = 0
	b, _ := json.Marshal(c) // plain fields: never fails
	return append(b, '\n')
}

// AuditFilter picks audit entries: each set field must match. Target
// matches a prefix ("hit:" or "board:op1"); From and To bound the time
// (To excluded); Before pages back from an entry id (0: the newest).
type AuditFilter struct {
	Actor, Action, Target string
	From, To              time.Time
	Before                int64
	Limit                 int
}
