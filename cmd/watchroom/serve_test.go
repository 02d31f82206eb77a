package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch/watchtest"
)

func TestCheckAndServeRefusePlainHTTPBeyondLoopback(t *testing.T) {
	p := writeFile(t, "open.yaml", "server:\n  listen: 0.0.0.0:8080\n  data_dir: "+filepath.Join(t.TempDir(), "d")+"\n")
	want := p + `:2:11: server.listen: "0.0.0.0:8080" is reachable beyond this machine, in plain HTTP: set tls_cert and tls_key, or tls_proxy to the name of the TLS proxy in front, or listen on 127.0.0.1`
	code, _, stderr := runCmd(t, "", "check", "--config", p)
	if code != 2 || !strings.Contains(stderr, want) {
		t.Fatalf("check: exit %d\n%s", code, stderr)
	}
	code, _, stderr = runCmd(t, "", "serve", "--config", p)
	if code != 2 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "refusing to start") {
		t.Fatalf("serve: exit %d\n%s", code, stderr)
	}
	// behind a named TLS proxy it is allowed
	p = writeFile(t, "proxied.yaml", "server:\n  listen: 0.0.0.0:8080\n  tls_proxy: front nginx\n")
	if code, out, stderr := runCmd(t, "", "check", "--config", p); code != 0 {
		t.Fatalf("check behind a proxy: exit %d\n%s%s", code, out, stderr)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key, PEM.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "watchroom test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// Under TLS serve says https:// where to browse (read without a race
// with the goroutine that serves), on any address, and every answer
// carries Strict-Transport-Security.
func TestServeUnderTLSSaysHTTPSAndSendsHSTS(t *testing.T) {
	dir := t.TempDir()
	cert, key, pool := selfSigned(t, dir)
	p := writeFile(t, "tls.yaml", fmt.Sprintf("server:\n  listen: 127.0.0.1:0\n  data_dir: %q\n  tls_cert: %q\n  tls_key: %q\n",
		filepath.Join(dir, "data"), cert, key))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs watchtest.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve", "--config", p}, strings.NewReader(""), &logs, &logs) }()
	browse := regexp.MustCompile(`browse=(\S+)`)
	var url string
	watchtest.WaitFor(t, "the console up", 60*time.Second, func() bool {
		if m := browse.FindStringSubmatch(logs.String()); m != nil {
			url = m[1]
			return true
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d:\n%s", code, logs.String())
		default:
		}
		return false
	})
	if !strings.HasPrefix(url, "https://127.0.0.1:") {
		t.Fatalf("serve says browse %s under TLS", url)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	r, err := client.Get(url + "login")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if got := r.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
		t.Errorf("Strict-Transport-Security %q", got)
	}
	for _, c := range r.Cookies() {
		if !c.Secure {
			t.Errorf("cookie %s is not Secure under TLS", c.Name)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d:\n%s", code, logs.String())
	}
}
