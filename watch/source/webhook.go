package source

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// KindWebhook sources are not polled: tools push items to them (a JSON POST
// to /ingest/<source id> with the source's token; see the README).
const KindWebhook = "webhook"

// Limits of one push.
const (
	MaxPushBytes = 64 << 10 // the console's request body cap
	maxPushItems = 100
	maxPushDepth = 8 // nesting of the JSON document
)

// Webhook option defaults.
const (
	DefaultPushRate  = 60 // pushes a minute
	DefaultPushBurst = 10
)

// Pushed reports whether sources of kind are pushed to rather than polled:
// they have no URL and no schedule.
func Pushed(kind string) bool { return kind == KindWebhook }

// webhookParser reads a push:
//
//	{"items": [{"id": "…", "url": "https://…", "author": "…", "title": "…",
//	            "text": "…", "published": "RFC 3339", "media": ["https://…"],
//	            "language": "en"}]}
//
// Strictly: unknown fields, wrong types, a second document, non-web links
// and items with nothing in them are errors naming the place, so the tool's
// author can fix the sender. Each item needs a title, a text or a url.
type webhookParser struct{}

// pushItem is one pushed item as sent.
type pushItem struct {
	ID        string   `json:"id"`
	URL       string   `json:"url"`
	Author    string   `json:"author"`
	Title     string   `json:"title"`
	Text      string   `json:"text"`
	Published string   `json:"published"`
	Media     []string `json:"media"`
	Language  string   `json:"language"`
}

type pushBody struct {
	Items *[]pushItem `json:"items"`
}

func (webhookParser) Parse(ctx context.Context, body []byte, m Meta) ([]watch.Item, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(body) > MaxPushBytes {
		return nil, fmt.Errorf("%w: the body is over %d bytes", ErrUnparseable, MaxPushBytes)
	}
	if d := jsonDepth(body); d > maxPushDepth {
		return nil, fmt.Errorf("%w: JSON nested deeper than %d levels", ErrUnparseable, maxPushDepth)
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(body, utf8BOM)))
	dec.DisallowUnknownFields()
	var pb pushBody
	if err := dec.Decode(&pb); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrUnparseable, jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: more than one JSON value in the body", ErrUnparseable)
	}
	if pb.Items == nil {
		return nil, fmt.Errorf(`%w: missing "items", a list of items`, ErrUnparseable)
	}
	in := *pb.Items
	switch {
	case len(in) == 0:
		return nil, fmt.Errorf(`%w: "items" is empty`, ErrUnparseable)
	case len(in) > maxPushItems:
		return nil, fmt.Errorf(`%w: %d items; at most %d a push`, ErrUnparseable, len(in), maxPushItems)
	}
	out := make([]watch.Item, 0, len(in))
	for i, p := range in {
		it, err := pushed(p, m)
		if err != nil {
			return nil, fmt.Errorf("%w: items[%d].%w", ErrUnparseable, i, err)
		}
		out = append(out, it)
	}
	return out, nil
}

// pushed normalises one pushed item as the other kinds do: plain text,
// capped; a stable key (the id, else the canonical URL, else a hash).
func pushed(p pushItem, m Meta) (watch.Item, error) {
	it := watch.Item{
		SourceID: m.SourceID,
		Title:    truncate(plainText(p.Title), maxTitle),
		Text:     truncate(plainText(p.Text), maxText),
		Author:   truncate(cleanText(p.Author), maxAuthor),
		Found:    m.Found,
	}
	if p.URL != "" {
		if it.URL = absURL(p.URL, nil); it.URL == "" {
			return it, fmt.Errorf("url: %q is not an http or https URL of at most %d bytes", cut(p.URL), maxURL)
		}
	}
	if p.Published != "" {
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(p.Published))
		if err != nil || saneTime(t).IsZero() {
			return it, fmt.Errorf("published: %q is not an RFC 3339 time such as 2026-11-28T21:30:00Z", cut(p.Published))
		}
		it.Published = t.UTC()
	}
	if p.Language != "" {
		if it.Language = language(p.Language); it.Language == "" {
			return it, fmt.Errorf("language: %q is not a language tag such as en or pt-BR", cut(p.Language))
		}
	}
	if len(p.Media) > maxMedia {
		return it, fmt.Errorf("media: %d links; at most %d", len(p.Media), maxMedia)
	}
	media := mediaList{}
	for j, l := range p.Media {
		if absURL(l, nil) == "" {
			return it, fmt.Errorf("media[%d]: %q is not an http or https URL", j, cut(l))
		}
		media.add(l)
	}
	it.MediaLinks = media.links
	if it.Title == "" && it.Text == "" && it.URL == "" {
		return it, errors.New("title, text, url: an item needs at least one of them")
	}
	it.Key = itemKey(p.ID, it)
	return it, nil
}

// cut shortens a bad value quoted back in an error.
func cut(s string) string { return truncate(cleanText(s), 80) }

// jsonProblem says what is wrong with a body in the sender's terms.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "the body is empty; want a JSON object with \"items\""
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends too early"
	case errors.As(err, &syn):
		return fmt.Sprintf("not JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the body"
		}
		return fmt.Sprintf("%s: want %s, got JSON %s", field, jsonKind(typ.Type), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return err.Error()
}

// jsonKind names a Go type as the JSON a sender should write.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.String:
		return "a string"
	}
	return t.Kind().String()
}

// jsonDepth is how deeply body's arrays and objects nest (strings skipped),
// checked before decoding so a hostile push cannot make the decoder recurse.
func jsonDepth(body []byte) int {
	depth, most, inString, escaped := 0, 0, false, false
	for _, b := range body {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
		case b == '"':
			inString = true
		case b == '{' || b == '[':
			depth++
			most = max(most, depth)
		case b == '}' || b == ']':
			depth--
		}
	}
	return most
}

// BodyHash is the hex SHA-256 that items keep of the body they came from.
func BodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// ParsePush reads a push to a webhook source into items stamped with the
// body's hash and found at found. Errors wrap ErrUnparseable and say what
// to fix.
func ParsePush(ctx context.Context, src watch.Source, body []byte, found time.Time) ([]watch.Item, error) {
	items, err := webhookParser{}.Parse(ctx, body, Meta{SourceID: src.ID, Found: found.UTC(), Options: src.Options})
	if err != nil {
		return nil, err
	}
	hash := BodyHash(body)
	for i := range items {
		items[i].BodySHA256 = hash
	}
	return items, nil
}

// envName is what token_env may name.
var envName = regexp.MustCompile(`^[A-Z_][A-Z0-9_]{0,127}$`)

// WebhookSettings are a webhook source's options, read.
type WebhookSettings struct {
	TokenEnv string // the environment variable that holds the token
	Rate     int    // pushes a minute
	Burst    int
}

// Webhook reads a webhook source's options; CheckSource has vetted them.
func Webhook(opts map[string]string) WebhookSettings {
	w := WebhookSettings{TokenEnv: opts["token_env"], Rate: DefaultPushRate, Burst: DefaultPushBurst}
	if n, err := strconv.Atoi(opts["rate"]); err == nil && n > 0 {
		w.Rate = n
	}
	if n, err := strconv.Atoi(opts["burst"]); err == nil && n > 0 {
		w.Burst = n
	}
	return w
}

func (webhookParser) checkSource(u *url.URL, opts map[string]string) []error {
	errs := knownKeys(KindWebhook, opts, "token_env", "rate", "burst")
	if v, ok := opts["token_env"]; !ok {
		errs = append(errs, errors.New(`option "token_env" is required: the environment variable that holds the source's token`))
	} else if !envName.MatchString(v) {
		errs = append(errs, fmt.Errorf(`option "token_env": %q is not an environment variable name (A-Z, 0-9, _)`, v))
	}
	for key, most := range map[string]int{"rate": 6000, "burst": 1000} {
		if v, ok := opts[key]; ok {
			if n, err := strconv.Atoi(v); err != nil || n < 1 || n > most {
				errs = append(errs, fmt.Errorf("option %q: %q is not a whole number from 1 to %d", key, v, most))
			}
		}
	}
	return errs
}
