package evidence

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/watchroom/watchroom/watch/fetch"
)

// Errors callers branch on.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	ErrClosed   = errors.New("case is closed")
	ErrInvalid  = errors.New("invalid")
	// ErrTampered is an evidence file whose content no longer hashes to
	// its name.
	ErrTampered = errors.New("evidence file changed on disk")
)

// Store is what the service needs of the database (watch/store satisfies
// it). Every method that records an act writes the custody entry and the
// audit log entry in the same transaction as the change itself.
type Store interface {
	AddCapture(ctx context.Context, c Capture, act Act) (Capture, error)
	EvidenceCapture(ctx context.Context, id int64) (Capture, error)
	Custody(ctx context.Context, captureID int64) ([]CustodyEntry, error)
	AppendCustody(ctx context.Context, captureIDs []int64, act Act) error
	OpenCase(ctx context.Context, c Case) (Case, error)
	CloseCase(ctx context.Context, id int64, by string, at time.Time) (Case, error)
	EvidenceCase(ctx context.Context, id int64) (Case, error)
	EvidenceCases(ctx context.Context) ([]Case, error)
	AddExhibit(ctx context.Context, e Exhibit, initials string, act Act) (Exhibit, error)
	Exhibit(ctx context.Context, id int64) (Exhibit, error)
	Exhibits(ctx context.Context, caseID int64) ([]Exhibit, error)
	SetRetention(ctx context.Context, exhibitID int64, class string, act Act) error
	PruneCaptures(ctx context.Context, cut time.Time) (deleted int64, orphans []string, err error)
}

// Fetcher makes the raw capture; *fetch.Client satisfies it.
type Fetcher interface {
	Capture(ctx context.Context, rawURL string) (*fetch.Captured, error)
}

// Renderer draws a page in a browser; *Browser satisfies it.
type Renderer interface {
	Render(ctx context.Context, rawURL string) (Rendering, error)
}

// Rendering is what a browser made of a page.
type Rendering struct {
	Screenshot []byte // PNG; nil when it could not be made within the limits
	PDF        []byte // nil likewise
	Notes      []string
}

// Retention classes an exhibit can have; Options.Retention may add more.
const (
	RetentionStandard = "standard"
	RetentionExtended = "extended"
)

// Options configure a Service. DataDir is required.
type Options struct {
	// DataDir holds the signing key (DataDir/evidence/signing.key) and,
	// unless BlobDir says otherwise, the artefacts (DataDir/blobs/evidence).
	DataDir string
	BlobDir string
	// KeyPath overrides where the installation's Ed25519 key is kept.
	KeyPath string
	// Now is the clock every recorded time comes from; default time.Now.
	Now func() time.Time
	// Tool names the software in every capture and package; default
	// "watchroom" and the build's module version.
	Tool string
	// Renderer, when set, adds a screenshot and a PDF to each capture.
	Renderer Renderer
	// UnattachedKeep is how long a capture that is no exhibit is kept
	// (default 90 days). Exhibits are never pruned.
	UnattachedKeep time.Duration
	// Retention maps each retention class to how long after its case is
	// closed an exhibit falls due for review; default standard 6 years,
	// extended 12 years. DefaultRetention is the class of a new exhibit.
	Retention        map[string]time.Duration
	DefaultRetention string
	// OpenCaseReview is how long after it was added an exhibit of a case
	// still open comes up for review; zero: exhibits of open cases have no
	// review date.
	OpenCaseReview time.Duration
}

func (o Options) withDefaults() (Options, error) {
	if o.DataDir == "" {
		return o, fmt.Errorf("evidence: %w: a data directory is required", ErrInvalid)
	}
	if o.BlobDir == "" {
		o.BlobDir = filepath.Join(o.DataDir, "blobs", "evidence")
	}
	if o.KeyPath == "" {
		o.KeyPath = KeyPath(o.DataDir)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Tool == "" {
		o.Tool = "watchroom " + buildVersion()
	}
	if o.UnattachedKeep == 0 {
		o.UnattachedKeep = 90 * 24 * time.Hour
	}
	if o.UnattachedKeep < 0 {
		return o, fmt.Errorf("evidence: %w: negative keep for captures", ErrInvalid)
	}
	if o.Retention == nil {
		o.Retention = map[string]time.Duration{
			RetentionStandard: 6 * 365 * 24 * time.Hour,
			RetentionExtended: 12 * 365 * 24 * time.Hour,
		}
	}
	if o.DefaultRetention == "" {
		o.DefaultRetention = RetentionStandard
	}
	if _, ok := o.Retention[o.DefaultRetention]; !ok {
		return o, fmt.Errorf("evidence: %w: default retention class %q is not defined", ErrInvalid, o.DefaultRetention)
	}
	return o, nil
}

func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// Service captures, keeps and exports evidence. It is safe for
// concurrent use.
type Service struct {
	store   Store
	fetcher Fetcher
	log     *slog.Logger
	opts    Options
	blobs   blobs

	keyMu sync.Mutex
	key   *signingKey
}

// New builds a Service.
func New(store Store, fetcher Fetcher, logger *slog.Logger, opts Options) (*Service, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if store == nil || fetcher == nil {
		return nil, fmt.Errorf("evidence: %w: a store and a fetcher are required", ErrInvalid)
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Service{store: store, fetcher: fetcher, log: logger.With("component", "evidence"), opts: opts, blobs: blobs{dir: opts.BlobDir}}, nil
}

func (s *Service) now() time.Time { return s.opts.Now().UTC() }

// NewCase is what opening a case takes.
type NewCase struct {
	Reference, Officer, Purpose, Operation, Tasking string
	By                                              string
}

// OpenCase opens a case, audited.
func (s *Service) OpenCase(ctx context.Context, nc NewCase) (Case, error) {
	c := Case{Reference: strings.TrimSpace(nc.Reference), Officer: strings.TrimSpace(nc.Officer), Purpose: strings.TrimSpace(nc.Purpose),
		Operation: nc.Operation, Tasking: nc.Tasking, OpenedAt: s.now(), OpenedBy: nc.By}
	if c.Reference == "" || c.Officer == "" || c.Purpose == "" || c.OpenedBy == "" {
		return c, fmt.Errorf("evidence: %w: a case needs a reference, an officer in charge, a purpose and who opens it", ErrInvalid)
	}
	return s.store.OpenCase(ctx, c)
}

// CloseCase closes a case: its exhibits' review clocks start now.
func (s *Service) CloseCase(ctx context.Context, caseID int64, by string) (Case, error) {
	return s.store.CloseCase(ctx, caseID, by, s.now())
}

// Case returns one case.
func (s *Service) Case(ctx context.Context, id int64) (Case, error) {
	return s.store.EvidenceCase(ctx, id)
}

// Cases lists every case, newest first.
func (s *Service) Cases(ctx context.Context) ([]Case, error) { return s.store.EvidenceCases(ctx) }

// Exhibits lists a case's exhibits in the order they were added.
func (s *Service) Exhibits(ctx context.Context, caseID int64) ([]Exhibit, error) {
	return s.store.Exhibits(ctx, caseID)
}

// NewExhibit is what producing a capture as an exhibit takes.
type NewExhibit struct {
	CaseID, CaptureID int64
	// Producer is the person producing the exhibit; Initials, when empty,
	// are the first letters of the producer's names ("Jane Smith": "JS").
	Producer, Initials string
	Description        string
	By                 string
}

// AddExhibit makes a capture an exhibit of an open case.
func (s *Service) AddExhibit(ctx context.Context, ne NewExhibit) (Exhibit, error) {
	initials := strings.ToUpper(strings.TrimSpace(ne.Initials))
	if initials == "" {
		initials = Initials(ne.Producer)
	}
	if !validInitials(initials) || strings.TrimSpace(ne.Producer) == "" || ne.By == "" {
		return Exhibit{}, fmt.Errorf("evidence: %w: an exhibit needs a producer with initials (1 to 4 letters) and who adds it", ErrInvalid)
	}
	c, err := s.store.EvidenceCapture(ctx, ne.CaptureID)
	if err != nil {
		return Exhibit{}, err
	}
	desc := ne.Description
	if desc == "" {
		desc = fmt.Sprintf("Capture of %s made %s", c.URL, c.CapturedAt.Format(time.RFC3339))
	}
	e := Exhibit{CaseID: ne.CaseID, CaptureID: ne.CaptureID, Producer: strings.TrimSpace(ne.Producer),
		Description: desc, Retention: s.opts.DefaultRetention}
	return s.store.AddExhibit(ctx, e, initials, Act{At: s.now(), Actor: ne.By, Action: ActAddedToCase})
}

// Initials are the first letters of a name's words, upper case, at most four.
func Initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			if unicode.IsLetter(r) {
				b.WriteRune(unicode.ToUpper(r))
			}
			break
		}
	}
	s := b.String()
	if len([]rune(s)) > 4 {
		s = string([]rune(s)[:4])
	}
	return s
}

func validInitials(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.IsUpper(r) {
			return false
		}
		n++
	}
	return n >= 1 && n <= 4
}

// View returns a capture and records that by looked at it, and why.
func (s *Service) View(ctx context.Context, captureID int64, by, why string) (Capture, error) {
	c, err := s.store.EvidenceCapture(ctx, captureID)
	if err != nil {
		return c, err
	}
	err = s.store.AppendCustody(ctx, []int64{captureID}, Act{At: s.now(), Actor: by, Action: ActViewed, Detail: map[string]string{"reason": why}})
	return c, err
}

// Artefact returns one artefact's bytes, checked against its hash, and
// records the viewing.
func (s *Service) Artefact(ctx context.Context, captureID int64, kind, by string) ([]byte, Artefact, error) {
	c, err := s.store.EvidenceCapture(ctx, captureID)
	if err != nil {
		return nil, Artefact{}, err
	}
	a, ok := c.Artefact(kind)
	if !ok {
		return nil, a, fmt.Errorf("capture %d has no %s: %w", captureID, kind, ErrNotFound)
	}
	data, err := s.blobs.read(a.SHA256)
	if err != nil {
		return nil, a, err
	}
	err = s.store.AppendCustody(ctx, []int64{captureID}, Act{At: s.now(), Actor: by, Action: ActViewed,
		Detail: map[string]string{"artefact": kind, "sha256": a.SHA256}})
	return data, a, err
}

// Disclose records that an exhibit was disclosed, to whom.
func (s *Service) Disclose(ctx context.Context, exhibitID int64, by, to string) error {
	e, err := s.store.Exhibit(ctx, exhibitID)
	if err != nil {
		return err
	}
	if strings.TrimSpace(to) == "" {
		return fmt.Errorf("evidence: %w: say to whom the exhibit is disclosed", ErrInvalid)
	}
	return s.store.AppendCustody(ctx, []int64{e.CaptureID}, Act{At: s.now(), Actor: by, Action: ActDisclosed,
		Detail: map[string]string{"exhibit": e.Reference, "to": to}})
}

// SetRetention changes an exhibit's retention class, for a reason.
func (s *Service) SetRetention(ctx context.Context, exhibitID int64, class, by, reason string) error {
	if _, ok := s.opts.Retention[class]; !ok {
		return fmt.Errorf("evidence: %w: unknown retention class %q", ErrInvalid, class)
	}
	return s.store.SetRetention(ctx, exhibitID, class, Act{At: s.now(), Actor: by, Action: ActRetentionChanged,
		Detail: map[string]string{"reason": reason}})
}

// Custody returns a capture's custody log after checking its chain.
func (s *Service) Custody(ctx context.Context, captureID int64) ([]CustodyEntry, error) {
	log, err := s.store.Custody(ctx, captureID)
	if err != nil {
		return nil, err
	}
	if err := VerifyChain(log); err != nil {
		return log, fmt.Errorf("custody log of capture %d: %w", captureID, err)
	}
	return log, nil
}

// Review is an exhibit and when it falls due for review.
type Review struct {
	Case     Case
	Exhibit  Exhibit
	ReviewAt time.Time
	Due      bool
}

// Reviews lists the exhibits with their review dates, soonest first: of a
// closed case, the case's closing plus the exhibit's retention class; of a
// case still open, the exhibit's adding plus OpenCaseReview (none when
// that is zero: the exhibit is held).
func (s *Service) Reviews(ctx context.Context) ([]Review, error) {
	cases, err := s.store.EvidenceCases(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []Review
	for _, c := range cases {
		if c.Open() && s.opts.OpenCaseReview <= 0 {
			continue
		}
		exs, err := s.store.Exhibits(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, e := range exs {
			at := c.ClosedAt.Add(s.opts.Retention[e.Retention])
			if c.Open() {
				at = e.AddedAt.Add(s.opts.OpenCaseReview)
			}
			out = append(out, Review{Case: c, Exhibit: e, ReviewAt: at, Due: !now.Before(at)})
		}
	}
	slices.SortStableFunc(out, func(a, b Review) int { return a.ReviewAt.Compare(b.ReviewAt) })
	return out, nil
}

// Prune deletes the captures older than UnattachedKeep that are no
// exhibit, and the files no capture refers to any more. Exhibits, of open
// or closed cases, are never pruned: closed cases' exhibits come up in
// Reviews for a person to decide.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	n, orphans, err := s.store.PruneCaptures(ctx, s.now().Add(-s.opts.UnattachedKeep))
	if err != nil {
		return 0, err
	}
	for _, sha := range orphans {
		if err := s.blobs.remove(sha); err != nil {
			s.log.Warn("evidence file not removed", "sha256", sha, "err", err)
		}
	}
	return n, nil
}
