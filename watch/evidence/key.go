package evidence

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// signingKey is the installation's Ed25519 key. It signs packages; its
// public half travels in every package, and its fingerprint is what an
// officer compares with the one the installation publishes.
type signingKey struct {
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
}

// Key is the public half of the installation's signing key.
type Key struct {
	Public      ed25519.PublicKey
	PEM         []byte // SubjectPublicKeyInfo, "PUBLIC KEY"
	Fingerprint string // "sha256:" and the hex SHA-256 of the DER SubjectPublicKeyInfo
}

// KeyFromPEM reads a public key in PEM (as public_key.pem in a package).
func KeyFromPEM(data []byte) (Key, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PUBLIC KEY" {
		return Key{}, errors.New("not a PEM public key")
	}
	pk, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return Key{}, err
	}
	pub, ok := pk.(ed25519.PublicKey)
	if !ok {
		return Key{}, errors.New("not an Ed25519 public key")
	}
	return publicKey(pub), nil
}

func publicKey(pub ed25519.PublicKey) Key {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic(err) // an Ed25519 key always marshals
	}
	sum := sha256.Sum256(der)
	return Key{Public: pub, PEM: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}),
		Fingerprint: "sha256:" + hex.EncodeToString(sum[:])}
}

// KeyPath is where an installation with data directory dataDir keeps its
// signing key, unless Options.KeyPath says otherwise.
func KeyPath(dataDir string) string { return filepath.Join(dataDir, "evidence", "signing.key") }

// LoadKey returns the public half of the signing key at path, making the
// key pair first if there is none (for `watchroom evidence key`, which
// needs no database).
func LoadKey(path string) (Key, error) {
	k, err := loadOrCreateKey(path)
	if err != nil {
		return Key{}, err
	}
	return publicKey(k.pub), nil
}

// PublicKey returns the installation's public key, making the key pair on
// first use (the private key is written 0600, never replaced).
func (s *Service) PublicKey() (Key, error) {
	k, err := s.signer()
	if err != nil {
		return Key{}, err
	}
	return publicKey(k.pub), nil
}

func (s *Service) signer() (*signingKey, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	k, err := loadOrCreateKey(s.opts.KeyPath)
	if err != nil {
		return nil, err
	}
	s.key = k
	return k, nil
}

func loadOrCreateKey(path string) (*signingKey, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := createKey(path); err != nil {
			return nil, err
		}
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("evidence signing key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("evidence signing key %s: not a PEM private key", path)
	}
	pk, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("evidence signing key %s: %w", path, err)
	}
	priv, ok := pk.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("evidence signing key %s: not an Ed25519 key", path)
	}
	return &signingKey{priv: priv, pub: priv.Public().(ed25519.PublicKey)}, nil
}

// createKey writes a new key (0600) unless one is there already.
func createKey(path string) error {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("evidence signing key: %w", err)
	}
	// Written whole to a temporary name, then linked into place: a link
	// never replaces a key that is there, and nobody reads half a key.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".signing-*")
	if err != nil {
		return fmt.Errorf("evidence signing key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if err = os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
			err = nil // made meanwhile by another process: that one is the key
		}
	}
	if err != nil {
		return fmt.Errorf("evidence signing key: %w", err)
	}
	return nil
}

// Signer signs with the installation's key what is not a case package
// (the audit log's checkpoints); the private half never leaves it.
type Signer struct{ k *signingKey }

// LoadSigner returns a signer with the key at path, making the key pair
// first if there is none.
func LoadSigner(path string) (*Signer, error) {
	k, err := loadOrCreateKey(path)
	if err != nil {
		return nil, err
	}
	return &Signer{k}, nil
}

// Sign signs msg (Ed25519).
func (s *Signer) Sign(msg []byte) []byte { return ed25519.Sign(s.k.priv, msg) }

// Key is the public half.
func (s *Signer) Key() Key { return publicKey(s.k.pub) }
