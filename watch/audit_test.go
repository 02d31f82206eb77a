package watch

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

func TestAuditCheckpointFileRoundTrip(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	var made []AuditCheckpoint
	for i := int64(1); i <= 3; i++ {
		c := AuditCheckpoint{ID: i, At: time.Date(2026, 12, 3, 10, int(i), 0, 0, time.UTC), HeadID: 10 * i, HeadHash: strings.Repeat("ab", 32), Rows: 10 * i}
		c.Sign("sha256:k", func(m []byte) []byte { return ed25519.Sign(priv, m) })
		made = append(made, c)
		buf.Write(AuditCheckpointLine(c))
		buf.WriteString("\n") // a blank line is skipped
	}
	got, err := ReadAuditCheckpoints(&buf)
	if err != nil || len(got) != 3 {
		t.Fatalf("read %+v %v", got, err)
	}
	for i, c := range got {
		if c.ID != 0 || c.Rows != made[i].Rows || !c.At.Equal(made[i].At) || !c.SignedBy(pub) {
			t.Errorf("line %d: %+v", i+1, c)
		}
	}
}

func TestReadAuditCheckpointsRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"unknown field": `{"rows":1,"extra":true}`,
		"two objects":   `{"rows":1} {"rows":2}`,
		"not json":      `rows=1`,
		"negative":      `{"rows":-1}`,
		"too long":      `{"head_hash":"` + strings.Repeat("a", 5000) + `"}`,
	} {
		if _, err := ReadAuditCheckpoints(strings.NewReader("\n" + in + "\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzAuditCheckpoints(f *testing.F) {
	f.Add([]byte(`{"at":"2026-12-03T10:00:00Z","head_id":3,"head_hash":"ab","rows":3,"key":"sha256:k","sig":"AA=="}` + "\n"))
	f.Add([]byte("\n\n{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cps, err := ReadAuditCheckpoints(bytes.NewReader(data))
		if err != nil {
			return
		}
		// what was read writes back and reads the same
		var buf bytes.Buffer
		for _, c := range cps {
			buf.Write(AuditCheckpointLine(c))
		}
		again, err := ReadAuditCheckpoints(&buf)
		if err != nil || len(again) != len(cps) {
			t.Fatalf("round trip: %v (%d then %d)", err, len(cps), len(again))
		}
	})
}
