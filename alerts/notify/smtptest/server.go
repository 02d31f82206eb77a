// Package smtptest runs a real SMTP server (emersion/go-smtp) on loopback
// for tests: STARTTLS with a self-signed certificate, AUTH PLAIN and LOGIN,
// and a mailbox that keeps what was delivered. Only tests import it.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// mailbox is the backend of a real SMTP server run by the test: it checks
// passwords and keeps what was delivered and what was tried.
type Mailbox struct {
	mu        sync.Mutex
	users     map[string]string
	mechs     []string
	delivered []Delivered
	auths     int // AUTH attempts, good or bad
	mails     int // MAIL FROM commands
}

type Delivered struct {
	From string
	To   []string
	Data []byte
	TLS  bool
	User string
	Mech string
}

func (b *Mailbox) NewSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	return &mailSession{box: b, conn: c}, nil
}

// Snapshot returns what was delivered, AUTH attempts and MAIL commands.
func (b *Mailbox) Snapshot() (ds []Delivered, auths, mails int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.delivered), b.auths, b.mails
}

type mailSession struct {
	box        *Mailbox
	conn       *gosmtp.Conn
	user, mech string
	from       string
	to         []string
}

func (s *mailSession) AuthMechanisms() []string { return s.box.mechs }

func (s *mailSession) Auth(mech string) (sasl.Server, error) {
	s.box.mu.Lock()
	s.box.auths++
	s.box.mu.Unlock()
	check := func(user, pass string) error {
		s.box.mu.Lock()
		defer s.box.mu.Unlock()
		if want, ok := s.box.users[user]; !ok || want != pass {
			return gosmtp.ErrAuthFailed
		}
		s.user, s.mech = user, mech
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, gosmtp.ErrAuthUnknownMechanism
}

func (s *mailSession) Mail(from string, _ *gosmtp.MailOptions) error {
	s.box.mu.Lock()
	s.box.mails++
	s.box.mu.Unlock()
	if s.user == "" {
		return gosmtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *mailSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if strings.HasPrefix(to, "nobody@") {
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	s.box.delivered = append(s.box.delivered, Delivered{From: s.from, To: s.to, Data: data, TLS: isTLS, User: s.user, Mech: s.mech})
	return nil
}

func (s *mailSession) Reset()        { s.from, s.to = "", nil }
func (s *mailSession) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN, which go-sasl no longer
// ships: the username (often sent with the command), then the password.
type loginServer struct {
	check func(user, pass string) error
	user  *string
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch {
	case l.user == nil && resp == nil:
		return []byte("Username:"), false, nil
	case l.user == nil:
		u := string(resp)
		l.user = &u
		return []byte("Password:"), false, nil
	}
	return nil, true, l.check(*l.user, string(resp))
}

// Options shape the server.
type Options struct {
	NoTLS         bool     // offer no STARTTLS
	PlaintextAuth bool     // allow AUTH without TLS
	Mechs         []string // default PLAIN and LOGIN
}

// Start runs a go-smtp server on loopback with a self-signed certificate
// (roots trusts it; caPEM is the same certificate as PEM). The user "hub"
// has the password "correct horse".
func Start(t testing.TB, o Options) (addr string, box *Mailbox, roots *x509.CertPool, caPEM []byte) {
	t.Helper()
	box = &Mailbox{users: map[string]string{"hub": "correct horse"}, mechs: o.Mechs}
	if box.mechs == nil {
		box.mechs = []string{sasl.Plain, sasl.Login}
	}
	srv := gosmtp.NewServer(box)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = o.PlaintextAuth
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	cert, roots := selfSigned(t)
	caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
	if !o.NoTLS {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return l.Addr().String(), box, roots, caPEM
}

func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test mail server"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
