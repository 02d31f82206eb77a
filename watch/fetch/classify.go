package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
)

// classify turns a transport error into an *Error. ctx is the request's own
// context, so its deadline tells our timeout from other failures.
func (c *Client) classify(ctx context.Context, host string, err error) error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe // from the dial guard or the redirect check
	}
	if errors.Is(err, context.Canceled) && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("fetch %s: %w", host, err)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &Error{Class: ClassTimeout, Msg: fmt.Sprintf("%s did not answer within %s", host, c.opts.Timeout), Err: err}
	}
	return classifyNet(host, err)
}

// classifyNet classifies what is left once cancellation and our own deadline
// are ruled out.
func classifyNet(host string, err error) *Error {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return &Error{Class: ClassDNS, Msg: fmt.Sprintf("cannot resolve %s", hostOnly(host)), Err: err}
	}
	if isTLS(err) {
		return &Error{Class: ClassTLS, Msg: fmt.Sprintf("TLS with %s failed", host), Err: err}
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return &Error{Class: ClassConnect, Msg: fmt.Sprintf("cannot connect to %s", host), Err: err}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &Error{Class: ClassTimeout, Msg: fmt.Sprintf("%s stopped answering", host), Err: err}
	}
	return &Error{Class: ClassConnect, Msg: fmt.Sprintf("connection to %s failed", host), Err: err}
}

func isTLS(err error) bool {
	var (
		recErr    tls.RecordHeaderError
		alertErr  tls.AlertError
		verifyErr *tls.CertificateVerificationError
		authErr   x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		certErr   x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &recErr), errors.As(err, &alertErr), errors.As(err, &verifyErr),
		errors.As(err, &authErr), errors.As(err, &hostErr), errors.As(err, &certErr):
		return true
	}
	// Handshake failures without a typed error still say so.
	return strings.Contains(err.Error(), "tls: ")
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}
