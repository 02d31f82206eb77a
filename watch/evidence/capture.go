package evidence

import (
	"context"
	"fmt"
	"strings"
)

// CaptureRequest is what capturing a URL takes.
type CaptureRequest struct {
	URL       string
	By        string // the person capturing
	Note      string // why: the analyst's reason
	HitID     int64  // the hit it came from, if any
	Operation string // the operation, if any
}

// Capture fetches req.URL through the fetcher (its guard, caps and
// timeouts apply), keeps every exchange as a WARC file, adds a rendering
// when a renderer is set, stores the files under their SHA-256 and records
// the capture with the first entry of its custody log. A rendering that
// fails does not fail the capture: its metadata says why it is missing.
func (s *Service) Capture(ctx context.Context, req CaptureRequest) (Capture, error) {
	if strings.TrimSpace(req.By) == "" || strings.TrimSpace(req.Note) == "" {
		return Capture{}, fmt.Errorf("evidence: %w: a capture needs who makes it and why", ErrInvalid)
	}
	at := s.now()
	got, err := s.fetcher.Capture(ctx, req.URL)
	if err != nil {
		return Capture{}, fmt.Errorf("capture %s: %w", req.URL, err)
	}
	final := got.Final()
	c := Capture{URL: req.URL, FinalURL: final.URL, Status: final.Status, IP: final.RemoteIP(),
		CapturedAt: at, CapturedBy: req.By, Tool: s.opts.Tool, HitID: req.HitID, Operation: req.Operation, Note: req.Note,
		Redirects: []Hop{}, Certificates: []string{}}
	for _, ex := range got.Exchanges {
		c.Redirects = append(c.Redirects, Hop{URL: ex.URL, Status: ex.Status, IP: ex.RemoteIP()})
	}
	if final.TLS != nil {
		c.Certificates = append(c.Certificates, final.TLS.CertSHA256...)
		c.TLSVersion = final.TLS.Version
	}
	warc, err := buildWARC(got, warcMeta{tool: s.opts.Tool, by: req.By, note: req.Note, operation: req.Operation, hitID: req.HitID, at: at})
	if err != nil {
		return Capture{}, fmt.Errorf("capture %s: %w", req.URL, err)
	}
	if err := s.addArtefact(&c, KindWARC, "application/warc", warc); err != nil {
		return Capture{}, err
	}
	s.render(ctx, &c)
	return s.store.AddCapture(ctx, c, Act{At: at, Actor: req.By, Action: ActCaptured,
		Detail: map[string]string{"url": req.URL, "note": req.Note}})
}

func (s *Service) addArtefact(c *Capture, kind, mediaType string, data []byte) error {
	sha, err := s.blobs.put(data)
	if err != nil {
		return err
	}
	c.Artefacts = append(c.Artefacts, Artefact{Kind: kind, SHA256: sha, Size: int64(len(data)), MediaType: mediaType})
	return nil
}

// render adds the browser's screenshot and PDF of the final URL, or says
// in the capture why there are none.
func (s *Service) render(ctx context.Context, c *Capture) {
	if s.opts.Renderer == nil {
		c.RenderNote = "not rendered: no browser is configured for this installation"
		return
	}
	c.RenderedAt = s.now()
	r, err := s.opts.Renderer.Render(ctx, c.FinalURL)
	if err != nil {
		c.RenderNote = "not rendered: " + err.Error()
		s.log.Warn("capture not rendered", "url", c.FinalURL, "err", err)
		return
	}
	notes := r.Notes
	if r.Screenshot != nil {
		if err := s.addArtefact(c, KindScreenshot, "image/png", r.Screenshot); err != nil {
			notes = append(notes, "screenshot not kept: "+err.Error())
		}
	}
	if r.PDF != nil {
		if err := s.addArtefact(c, KindPDF, "application/pdf", r.PDF); err != nil {
			notes = append(notes, "PDF not kept: "+err.Error())
		}
	}
	_, shot := c.Artefact(KindScreenshot)
	_, pdf := c.Artefact(KindPDF)
	c.Rendered = shot || pdf
	c.RenderNote = strings.Join(notes, "; ")
}
