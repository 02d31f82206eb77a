// Package referrals keeps the ledger of content the hub refers to the
// platforms for removal: who referred what, to which platform, under which
// policy category, the reference the platform returned and what it did
// (the outcome, recorded by an officer), and beside it what the scheduled
// removal checks saw at the URL. A referral needs an evidence capture of
// the content first (unless the config says otherwise), so a removal never
// destroys the evidence. Every change is attributed, audited and a
// timeline event in one transaction (watch/store does that).
package referrals

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/store"
)

// Errors callers branch on. A person is told the error's text.
var (
	ErrInvalid = errors.New("invalid referral")
	// ErrNoCapture refuses a referral of content with no evidence capture.
	ErrNoCapture = errors.New("capture first: the content has no evidence capture yet, and a removal would destroy the evidence")
	ErrNotFound  = errors.New("not found")
)

// Store is what the service needs of the database; *store.Store satisfies it.
type Store interface {
	AddReferral(ctx context.Context, r watch.Referral) (watch.Referral, error)
	UpdateReferral(ctx context.Context, id int64, by string, change func(r *watch.Referral) error) (watch.Referral, error)
	AddReferralObservation(ctx context.Context, o watch.ReferralObservation) (watch.Referral, error)
	Referral(ctx context.Context, id int64) (watch.Referral, error)
	Referrals(ctx context.Context, f watch.ReferralFilter) ([]watch.Referral, error)
	PendingReferrals(ctx context.Context) ([]watch.Referral, error)
	ReferralChanges(ctx context.Context, id int64) ([]watch.ReferralChange, error)
	ReferralObservations(ctx context.Context, ids []int64) (map[int64][]watch.ReferralObservation, error)
	CaptureOf(ctx context.Context, hitID int64, url string) (int64, error)
	ReferralsOfHits(ctx context.Context, hitIDs []int64) ([]watch.Referral, error)
	Hit(ctx context.Context, id int64) (watch.HitView, error)
	EvidenceCapture(ctx context.Context, id int64) (evidence.Capture, error)
	Exhibit(ctx context.Context, id int64) (evidence.Exhibit, error)
}

// Fetcher makes the removal checks' GET; *fetch.Client satisfies it.
type Fetcher interface {
	Get(ctx context.Context, r fetch.Request) (*fetch.Response, error)
}

// Platform is a service content is referred to (from the config).
type Platform struct {
	ID, Name, Channel string
	Categories        []string
	ChaseDays         int
	Unavailable       []string // phrases of its "content unavailable" page
	Hosts             []string
}

// Options configure a Service. Store and at least one platform are required.
type Options struct {
	Store          Store
	Fetcher        Fetcher // nil: no removal checks
	Platforms      []Platform
	RequireCapture bool
	Now            func() time.Time
	Logger         *slog.Logger
}

// Service makes and changes referrals and checks their URLs.
type Service struct {
	opts      Options
	platforms map[string]Platform
	log       *slog.Logger
}

// New builds a Service.
func New(opts Options) (*Service, error) {
	if opts.Store == nil || len(opts.Platforms) == 0 {
		return nil, fmt.Errorf("referrals: a store and at least one platform are required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Service{opts: opts, platforms: map[string]Platform{}, log: opts.Logger.With("component", "referrals")}
	for _, p := range opts.Platforms {
		if p.ChaseDays < 1 {
			p.ChaseDays = 7
		}
		s.platforms[p.ID] = p
	}
	return s, nil
}

// Platforms returns the platforms in the config's order.
func (s *Service) Platforms() []Platform {
	out := make([]Platform, 0, len(s.opts.Platforms))
	for _, p := range s.opts.Platforms {
		out = append(out, s.platforms[p.ID])
	}
	return out
}

// Platform returns a platform by id.
func (s *Service) Platform(id string) (Platform, bool) {
	p, ok := s.platforms[id]
	return p, ok
}

// RequireCapture reports whether a referral needs a capture first.
func (s *Service) RequireCapture() bool { return s.opts.RequireCapture }

// PlatformFor proposes the platform whose hosts serve the URL ("" when none).
func (s *Service) PlatformFor(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	for _, p := range s.opts.Platforms {
		for _, h := range p.Hosts {
			h = strings.ToLower(h)
			if host == h || strings.HasSuffix(host, "."+h) {
				return p.ID
			}
		}
	}
	return ""
}

// NewReferral is what referring content takes: a hit, a capture or an
// exhibit it comes from (any or none), and what is referred.
type NewReferral struct {
	HitID, CaptureID, ExhibitID int64
	Platform, URL, Category     string
	Reference, Note             string
	By                          string
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Refer records a referral. The URL defaults to the capture's or the
// hit's; the operation is the hit's (or the capture's). Without a capture
// of the hit or the URL it is refused with ErrNoCapture when captures are
// required.
func (s *Service) Refer(ctx context.Context, n NewReferral) (watch.Referral, error) {
	if strings.TrimSpace(n.By) == "" {
		return watch.Referral{}, invalid("who refers is required")
	}
	r := watch.Referral{Platform: n.Platform, URL: strings.TrimSpace(n.URL), Category: strings.TrimSpace(n.Category),
		Reference: strings.TrimSpace(n.Reference), Note: strings.TrimSpace(n.Note), HitID: n.HitID, CaptureID: n.CaptureID, By: n.By,
		Outcome: watch.OutcomePending}
	if n.ExhibitID != 0 {
		ex, err := s.opts.Store.Exhibit(ctx, n.ExhibitID)
		if err != nil {
			return r, fmt.Errorf("exhibit %d: %w", n.ExhibitID, ErrNotFound)
		}
		r.CaptureID = ex.CaptureID
	}
	if r.CaptureID != 0 {
		c, err := s.opts.Store.EvidenceCapture(ctx, r.CaptureID)
		if err != nil {
			return r, fmt.Errorf("capture %d: %w", r.CaptureID, ErrNotFound)
		}
		if r.URL == "" {
			r.URL = c.URL
		}
		if r.HitID == 0 {
			r.HitID = c.HitID
		}
		r.Operation = c.Operation
	}
	if r.HitID != 0 {
		h, err := s.opts.Store.Hit(ctx, r.HitID)
		if err != nil {
			return r, fmt.Errorf("hit %d: %w", r.HitID, ErrNotFound)
		}
		if r.URL == "" {
			r.URL = h.Item.URL
		}
		if r.Operation == "" && len(h.Operations) > 0 {
			r.Operation = h.Operations[0]
		}
	}
	if r.Platform == "" {
		r.Platform = s.PlatformFor(r.URL)
	}
	p, ok := s.platforms[r.Platform]
	if !ok {
		return r, invalid("choose a platform (%q is not one)", r.Platform)
	}
	if u, err := url.Parse(r.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return r, invalid("the content's address must be an http or https URL")
	}
	if r.Category != "" && len(p.Categories) > 0 && !slices.Contains(p.Categories, r.Category) {
		return r, invalid("%q is not one of %s's policy categories", r.Category, p.Name)
	}
	if r.CaptureID == 0 {
		id, err := s.opts.Store.CaptureOf(ctx, r.HitID, r.URL)
		switch {
		case err == nil:
			r.CaptureID = id
		case errors.Is(err, store.ErrNotFound):
			if s.opts.RequireCapture {
				return r, ErrNoCapture
			}
		default:
			return r, err
		}
	}
	r.DueAt = s.now().Add(time.Duration(p.ChaseDays) * 24 * time.Hour)
	return s.opts.Store.AddReferral(ctx, r)
}

func (s *Service) now() time.Time { return s.opts.Now().UTC() }

// Update is a change an officer makes; nil fields stay as they are.
type Update struct {
	Outcome, Reference, Category, Note *string
}

// Change records an officer's change to a referral: the outcome the
// platform gave, its reference, the category or the note.
func (s *Service) Change(ctx context.Context, id int64, u Update, by string) (watch.Referral, error) {
	if strings.TrimSpace(by) == "" {
		return watch.Referral{}, invalid("who changes it is required")
	}
	r, err := s.opts.Store.UpdateReferral(ctx, id, by, func(r *watch.Referral) error {
		if u.Outcome != nil {
			if !slices.Contains(watch.Outcomes, *u.Outcome) {
				return invalid("%q is not an outcome (%s)", *u.Outcome, strings.Join(watch.Outcomes, ", "))
			}
			r.Outcome = *u.Outcome
		}
		if u.Reference != nil {
			r.Reference = strings.TrimSpace(*u.Reference)
		}
		if u.Note != nil {
			r.Note = strings.TrimSpace(*u.Note)
		}
		if u.Category != nil {
			c := strings.TrimSpace(*u.Category)
			if p := s.platforms[r.Platform]; c != "" && len(p.Categories) > 0 && !slices.Contains(p.Categories, c) {
				return invalid("%q is not one of %s's policy categories", c, p.Name)
			}
			r.Category = c
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return r, fmt.Errorf("referral %d: %w", id, ErrNotFound)
	}
	return r, err
}

// Referral returns one referral with its changes and observations.
func (s *Service) Referral(ctx context.Context, id int64) (watch.Referral, []watch.ReferralChange, []watch.ReferralObservation, error) {
	r, err := s.opts.Store.Referral(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return r, nil, nil, fmt.Errorf("referral %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return r, nil, nil, err
	}
	chs, err := s.opts.Store.ReferralChanges(ctx, id)
	if err != nil {
		return r, nil, nil, err
	}
	obs, err := s.opts.Store.ReferralObservations(ctx, []int64{id})
	return r, chs, obs[id], err
}

// Pending returns the referrals without an outcome (for the alerts at start).
func (s *Service) Pending(ctx context.Context) ([]watch.Referral, error) {
	return s.opts.Store.PendingReferrals(ctx)
}

// OfHits returns the newest referral of each hit that has one (for the
// boards, which show it on the hit's card).
func (s *Service) OfHits(ctx context.Context, hitIDs []int64) ([]watch.Referral, error) {
	return s.opts.Store.ReferralsOfHits(ctx, hitIDs)
}
