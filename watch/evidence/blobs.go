package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// blobs is a content-addressed directory: each file is named by the
// SHA-256 of its content, written once (to a temporary name, synced, made
// read-only, then linked into place, which never replaces a file) and
// never changed after.
type blobs struct{ dir string }

var shaName = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (b blobs) path(sha string) (string, error) {
	if !shaName.MatchString(sha) {
		return "", fmt.Errorf("evidence: %q is not a SHA-256", sha)
	}
	return filepath.Join(b.dir, sha), nil
}

// put stores data and returns its SHA-256. A file of that name already
// there is the same content and is left alone.
func (b blobs) put(data []byte) (string, error) {
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	final, _ := b.path(sha)
	if _, err := os.Stat(final); err == nil {
		return sha, nil
	}
	if err := os.MkdirAll(b.dir, 0o750); err != nil {
		return "", fmt.Errorf("evidence blobs: %w", err)
	}
	tmp, err := os.CreateTemp(b.dir, ".incoming-*")
	if err != nil {
		return "", fmt.Errorf("evidence blobs: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if err == nil {
		err = tmp.Chmod(0o440)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("evidence blobs: %w", err)
	}
	// A link, unlike a rename, fails rather than replace a file that is there.
	if err := os.Link(tmp.Name(), final); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("evidence blobs: %w", err)
	}
	if d, err := os.Open(b.dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return sha, nil
}

// read returns a file's content after checking it still hashes to its
// name: a file changed on disk is an error, never silently passed on.
func (b blobs) read(sha string) ([]byte, error) {
	p, err := b.path(sha)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("evidence file %s: %w", sha, err)
	}
	defer f.Close()
	h := sha256.New()
	data, err := io.ReadAll(io.TeeReader(f, h))
	if err != nil {
		return nil, fmt.Errorf("evidence file %s: %w", sha, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sha {
		return nil, fmt.Errorf("evidence file %s: %w (its content hashes to %s)", sha, ErrTampered, got)
	}
	return data, nil
}

// remove deletes a file that no capture refers to any more.
func (b blobs) remove(sha string) error {
	p, err := b.path(sha)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
