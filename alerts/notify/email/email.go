package email

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/watchroom/watchroom/alerts/notify"
)

// E-mail errors callers branch on.
var (
	// ErrNoSTARTTLS: the server does not offer STARTTLS, so nothing was sent.
	ErrNoSTARTTLS = errors.New("the SMTP server does not offer STARTTLS; refusing to send credentials or mail in plain text")
	// ErrSMTPAuth: the server refused the username and password, or offers
	// no mechanism the notifier speaks.
	ErrSMTPAuth = errors.New("SMTP authentication failed")
	// ErrNoRecipients: neither the notification nor the notifier names anyone.
	ErrNoRecipients = errors.New("no e-mail recipients")
)

// DefaultTimeout bounds one whole exchange with the server.
const DefaultTimeout = 30 * time.Second

// Options configures an e-mail notifier.
type Options struct {
	Addr string // host:port of the submission server, e.g. mail.example.org:587
	// Username and Password authenticate with AUTH PLAIN or LOGIN after
	// STARTTLS. An empty Username sends without AUTH, for a relay that
	// trusts the hub's address.
	Username string
	Password string
	// Auth forces a mechanism, "PLAIN" or "LOGIN"; "" takes PLAIN when the
	// server offers it, else LOGIN.
	Auth string
	From string   // e.g. "Watchroom <watchroom@example.org>"
	To   []string // recipients when a notification names none
	// TLSConfig is used for STARTTLS; nil means the system roots. Its
	// ServerName defaults to Addr's host.
	TLSConfig *tls.Config
	// InsecurePlaintext lets the notifier talk to a server that offers no
	// STARTTLS, but only on the loopback interface (a local relay, a test
	// server); it is refused for any other host.
	InsecurePlaintext bool
	HelloName         string           // the EHLO name (default "localhost")
	Timeout           time.Duration    // one whole exchange (default 30s)
	Now               func() time.Time // the Date header; nil means time.Now
	Logger            *slog.Logger     // nil discards
}

// Notifier sends notifications as plain-text e-mail.
type Notifier struct {
	opts Options
	host string
	from *mail.Address
	to   []*mail.Address
	tls  *tls.Config
	log  *slog.Logger
}

// New checks the options and fills in the defaults.
func New(opts Options) (*Notifier, error) {
	host, _, err := net.SplitHostPort(opts.Addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("smtp: address %q must be host:port", opts.Addr)
	}
	if opts.InsecurePlaintext && !isLoopbackHost(host) {
		return nil, fmt.Errorf("smtp %s: plain text is allowed only on the loopback interface", opts.Addr)
	}
	from, err := mail.ParseAddress(opts.From)
	if err != nil {
		return nil, fmt.Errorf("smtp %s: sender %q: %w", opts.Addr, opts.From, err)
	}
	to, err := parseAddresses(opts.To)
	if err != nil {
		return nil, fmt.Errorf("smtp %s: default recipients: %w", opts.Addr, err)
	}
	opts.Auth = strings.ToUpper(opts.Auth)
	switch opts.Auth {
	case "", sasl.Plain, sasl.Login:
	default:
		return nil, fmt.Errorf("smtp %s: unknown auth mechanism %q (PLAIN or LOGIN)", opts.Addr, opts.Auth)
	}
	if opts.Username != "" && opts.Password == "" {
		return nil, fmt.Errorf("smtp %s: a username needs a password", opts.Addr)
	}
	if opts.Timeout < 0 {
		return nil, fmt.Errorf("smtp %s: the timeout must not be negative", opts.Addr)
	}
	opts.Timeout = orDefault(opts.Timeout, DefaultTimeout)
	if opts.HelloName == "" {
		opts.HelloName = "localhost"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	cfg := &tls.Config{}
	if opts.TLSConfig != nil {
		cfg = opts.TLSConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	cfg.MinVersion = max(cfg.MinVersion, tls.VersionTLS12)
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{opts: opts, host: host, from: from, to: to, tls: cfg,
		log: log.With("component", "notify_smtp", "smtp_server", opts.Addr)}, nil
}

// Recipients are n.To, or the default recipients when it names none.
func (s *Notifier) Recipients(n notify.Notification) (string, []string) {
	if len(n.To) > 0 {
		return "email", n.To
	}
	to := make([]string, len(s.to))
	for i, a := range s.to {
		to[i] = a.Address
	}
	return "email", to
}

// Notify sends n to n.To, or to the default recipients when it names none.
func (s *Notifier) Notify(ctx context.Context, n notify.Notification) error {
	to := s.to
	if len(n.To) > 0 {
		var err error
		if to, err = parseAddresses(n.To); err != nil {
			return fmt.Errorf("smtp %s: %w", s.opts.Addr, err)
		}
	}
	if len(to) == 0 {
		return fmt.Errorf("smtp %s: %w", s.opts.Addr, ErrNoRecipients)
	}
	msg := s.message(n, to)
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	if err := s.send(ctx, to, msg); err != nil {
		if cerr := context.Cause(ctx); cerr != nil {
			return fmt.Errorf("smtp %s: %w (%v)", s.opts.Addr, cerr, err)
		}
		return fmt.Errorf("smtp %s: %w", s.opts.Addr, err)
	}
	s.log.DebugContext(ctx, "e-mail sent", "kind", n.Kind, "recipients", len(to))
	return nil
}

func (s *Notifier) send(ctx context.Context, to []*mail.Address, msg []byte) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer conn.Close()
	// net/smtp takes no context: when ctx ends (cancelled or past the
	// timeout) a deadline in the past unblocks any read or write, and by
	// then ctx.Err says why.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(s.opts.HelloName); err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	plaintext := false
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(s.tls); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	} else if s.opts.InsecurePlaintext && isLoopbackAddr(conn.RemoteAddr()) {
		plaintext = true
	} else {
		return ErrNoSTARTTLS
	}
	if s.opts.Username != "" {
		if err := s.auth(c, plaintext); err != nil {
			return err
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("MAIL FROM <%s>: %w", s.from.Address, rejected(err))
	}
	for _, a := range to {
		if err := c.Rcpt(a.Address); err != nil {
			return fmt.Errorf("RCPT TO <%s>: %w", a.Address, rejected(err))
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", rejected(err))
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("sending the message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("sending the message: %w", rejected(err))
	}
	// the server has taken the message; a failed goodbye loses nothing
	if err := c.Quit(); err != nil {
		s.log.DebugContext(ctx, "QUIT failed after the message was accepted", "error", err)
	}
	return nil
}

func (s *Notifier) auth(c *smtp.Client, plaintext bool) error {
	_, offered := c.Extension("AUTH")
	mechs := strings.Fields(strings.ToUpper(offered))
	mech := s.opts.Auth
	if mech == "" {
		// PLAIN first: LOGIN is the older, unstandardised one
		for _, m := range []string{sasl.Plain, sasl.Login} {
			if slices.Contains(mechs, m) {
				mech = m
				break
			}
		}
	}
	if mech == "" || !slices.Contains(mechs, mech) {
		want := cmp.Or(s.opts.Auth, "PLAIN or LOGIN")
		return fmt.Errorf("%w: the server offers %q for AUTH, not %s", ErrSMTPAuth, offered, want)
	}
	var sc sasl.Client
	if mech == sasl.Plain {
		sc = sasl.NewPlainClient("", s.opts.Username, s.opts.Password)
	} else {
		sc = sasl.NewLoginClient(s.opts.Username, s.opts.Password)
	}
	if err := c.Auth(saslAuth{c: sc, plaintext: plaintext}); err != nil {
		return fmt.Errorf("%w: %s as %q: %w", ErrSMTPAuth, mech, s.opts.Username, err)
	}
	return nil
}

// saslAuth lets net/smtp speak go-sasl's PLAIN and LOGIN, and refuses to
// hand over a password on a connection that is not encrypted.
type saslAuth struct {
	c         sasl.Client
	plaintext bool // allowed: a loopback server without STARTTLS
}

func (a saslAuth) Start(si *smtp.ServerInfo) (string, []byte, error) {
	if !si.TLS && !a.plaintext {
		return "", nil, errors.New("refusing to send a password without TLS")
	}
	return a.c.Start()
}

func (a saslAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	return a.c.Next(fromServer)
}

// rejected marks a permanent (5xx) SMTP reply, which sending again will
// not change; 4xx replies stay plain so a caller may retry later.
func rejected(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return fmt.Errorf("%w: %w", notify.ErrRejected, err)
	}
	return err
}

// message renders the RFC 5322 message: a UTF-8 plain-text body in
// quoted-printable, so no line is too long and any relay may carry it.
func (s *Notifier) message(n notify.Notification, to []*mail.Address) []byte {
	var b bytes.Buffer
	header := func(name, value string) {
		b.WriteString(foldHeader(name + ": " + value))
		b.WriteString("\r\n")
	}
	rcpts := make([]string, len(to))
	for i, a := range to {
		rcpts[i] = a.String()
	}
	header("From", s.from.String())
	header("To", strings.Join(rcpts, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", notify.OneLine(n.Subject)))
	header("Date", s.opts.Now().Format(time.RFC1123Z))
	header("Message-ID", "<"+rand.Text()+"@"+domainOf(s.from.Address)+">")
	header("MIME-Version", "1.0")
	// RFC 3834: out-of-office replies are not sent back to the hub
	header("Auto-Submitted", "auto-generated")
	if k := notify.OneLine(n.Kind); k != "" {
		header(notify.HeaderKind, k)
	}
	text := []byte(strings.ToValidUTF8(n.Text, "\uFFFD"))
	if len(n.Attachments) == 0 {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		qp := quotedprintable.NewWriter(&b)
		_, _ = qp.Write(text) // a bytes.Buffer does not fail
		_ = qp.Close()
		return b.Bytes()
	}
	// multipart/mixed: the text, then each file in base64
	mw := multipart.NewWriter(&b)
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	part, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"quoted-printable"}})
	qp := quotedprintable.NewWriter(part)
	_, _ = qp.Write(text)
	_ = qp.Close()
	for _, at := range n.Attachments {
		name := notify.OneLine(at.Name)
		part, _ := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {attachmentType(at.ContentType, name)},
			"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": name})},
			"Content-Transfer-Encoding": {"base64"},
		})
		enc := base64.StdEncoding.EncodeToString(at.Data)
		for len(enc) > 76 { // RFC 2045: lines of at most 76 characters
			_, _ = io.WriteString(part, enc[:76]+"\r\n")
			enc = enc[76:]
		}
		_, _ = io.WriteString(part, enc+"\r\n")
	}
	_ = mw.Close()
	return b.Bytes()
}

// attachmentType keeps a content type's type and charset, dropping
// anything else a caller put in it, and names the file.
func attachmentType(ct, name string) string {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, params = "application/octet-stream", nil
	}
	out := map[string]string{"name": name}
	if cs := params["charset"]; cs != "" {
		out["charset"] = cs
	}
	return mime.FormatMediaType(mt, out)
}

// foldHeader breaks a header line at spaces so no line passes 78
// characters where it can be helped; unfolding gives back the same value.
func foldHeader(line string) string {
	const limit = 78
	var b strings.Builder
	n := 0
	for i, word := range strings.Split(line, " ") {
		if i > 0 {
			// the first word stays beside the field name
			if i > 1 && n+1+len(word) > limit {
				b.WriteString("\r\n")
				n = 0
			}
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

func parseAddresses(list []string) ([]*mail.Address, error) {
	seen := map[string]bool{}
	var out []*mail.Address
	for _, s := range list {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return nil, fmt.Errorf("recipient %q: %w", s, err)
		}
		if key := strings.ToLower(a.Address); !seen[key] {
			seen[key] = true
			out = append(out, a)
		}
	}
	return out, nil
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i+1 < len(addr) {
		return addr[i+1:]
	}
	return "watchroom.invalid"
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isLoopbackAddr(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

func orDefault(v, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return v
}
