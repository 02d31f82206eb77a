package evidence

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// The printable documents of a package: one exhibit sheet per exhibit and,
// per producer, a draft of the statement producing their exhibits. The
// core PDF fonts cover Windows-1252: other characters print as ".", and
// the manifest keeps the exact text.

// cp1252 translates UTF-8 to the core fonts' code page. fpdf builds the
// table by parsing a text map, which costs more than the rest of a sheet,
// and its function reuses one buffer: built once, called under a lock.
var (
	cp1252Once = sync.OnceValue(func() func(string) string {
		return fpdf.New("P", "mm", "A4", "").UnicodeTranslatorFromDescriptor("")
	})
	cp1252Mu sync.Mutex
)

func cp1252(s string) string {
	tr := cp1252Once()
	cp1252Mu.Lock()
	defer cp1252Mu.Unlock()
	return tr(s)
}

type sheet struct {
	pdf *fpdf.Fpdf
	tr  func(string) string
}

func newSheet(title, author string, at time.Time) *sheet {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(false) // the package's zip compresses; the text stays searchable
	pdf.SetTitle(title, true)
	pdf.SetAuthor(author, true)
	pdf.SetCreator("watchroom", false)
	pdf.SetMargins(18, 18, 18)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AliasNbPages("")
	s := &sheet{pdf: pdf, tr: cp1252}
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "I", 8)
		pdf.CellFormat(0, 5, s.tr(fmt.Sprintf("%s - page %d of {nb}", title, pdf.PageNo())), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 14)
	pdf.MultiCell(0, 7, s.tr(title), "", "L", false)
	pdf.Ln(3)
	return s
}

func (s *sheet) heading(text string) {
	s.pdf.Ln(2)
	s.pdf.SetFont("Helvetica", "B", 11)
	s.pdf.MultiCell(0, 6, s.tr(text), "", "L", false)
}

func (s *sheet) para(text string) {
	s.pdf.SetFont("Helvetica", "", 10)
	s.pdf.MultiCell(0, 5, s.tr(text), "", "L", false)
	s.pdf.Ln(1)
}

// row prints a label and its value; long values (hashes, URLs) wrap.
func (s *sheet) row(label, value string) {
	if value == "" {
		value = "-"
	}
	s.pdf.SetFont("Helvetica", "B", 9)
	s.pdf.CellFormat(45, 5, s.tr(label), "", 0, "L", false, 0, "")
	s.pdf.SetFont("Courier", "", 9)
	s.pdf.MultiCell(0, 5, s.tr(value), "", "L", false)
}

func (s *sheet) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := s.pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05.000 UTC")
}

// exhibitSheet describes one exhibit: what, where from, when, by whom,
// with what, its files and their SHA-256, and its custody log.
func exhibitSheet(c Case, e Exhibit, cap Capture, files []ManifestFile, log []CustodyEntry, at time.Time) ([]byte, error) {
	s := newSheet("Exhibit "+e.Reference+" - case "+c.Reference, e.Producer, at)
	s.row("Exhibit", e.Reference)
	s.row("Description", e.Description)
	s.row("Case", c.Reference+" ("+c.Purpose+")")
	s.row("Officer in charge", c.Officer)
	s.row("Produced by", e.Producer)
	s.row("Added to case", stamp(e.AddedAt)+" by "+e.AddedBy)
	s.heading("Capture")
	s.row("URL requested", cap.URL)
	s.row("URL captured", cap.FinalURL)
	s.row("HTTP status", fmt.Sprint(cap.Status))
	s.row("Server address", cap.IP)
	s.row("Captured at", stamp(cap.CapturedAt))
	s.row("Captured by", cap.CapturedBy)
	s.row("Software", cap.Tool)
	s.row("Reason", cap.Note)
	if cap.HitID != 0 {
		s.row("From hit", fmt.Sprint(cap.HitID))
	}
	if cap.Operation != "" {
		s.row("Operation", cap.Operation)
	}
	for i, h := range cap.Redirects {
		s.row(fmt.Sprintf("Request %d", i+1), fmt.Sprintf("%d %s (%s)", h.Status, h.URL, h.IP))
	}
	if cap.TLSVersion != "" {
		s.row("TLS", cap.TLSVersion)
	}
	for i, fp := range cap.Certificates {
		s.row(fmt.Sprintf("Certificate %d SHA-256", i+1), fp)
	}
	rendering := "screenshot and PDF made by a headless browser loading the captured URL again at " + stamp(cap.RenderedAt)
	if !cap.Rendered {
		rendering = "none"
	}
	if cap.RenderNote != "" {
		rendering += " (" + cap.RenderNote + ")"
	}
	s.row("Rendering", rendering)
	s.heading("Files")
	for _, f := range files {
		s.row(f.Path, fmt.Sprintf("SHA-256 %s, %d bytes", f.SHA256, f.Size))
	}
	s.heading("Custody log")
	for _, l := range log {
		s.row(fmt.Sprintf("%d %s", l.Seq, l.Action), fmt.Sprintf("%s by %s %s", stamp(l.At), l.Actor, detailText(l.Detail)))
	}
	if n := len(log); n > 0 {
		s.row("Last entry hash", log[n-1].Hash)
	}
	return s.bytes()
}

func detailText(d map[string]string) string {
	var parts []string
	for _, k := range sortedKeys(d) {
		parts = append(parts, k+"="+d[k])
	}
	return strings.Join(parts, " ")
}

// statementDraft is a draft of the producer's statement with the capture
// facts filled in; the producer completes, checks and signs it.
func statementDraft(c Case, producer string, exhibits []Exhibit, caps map[int64]Capture, pkg string, at time.Time) ([]byte, error) {
	s := newSheet("DRAFT statement of "+producer+" - case "+c.Reference, producer, at)
	s.para("DRAFT for the witness to complete, correct and sign. It is not a statement until the witness has read, " +
		"corrected and signed it. Text in [brackets] is for the witness to fill in.")
	s.row("Statement of", producer)
	s.row("Occupation", "[rank / role and number]")
	s.row("Case", c.Reference)
	s.row("Officer in charge", c.Officer)
	s.heading("Declaration")
	s.para("This statement, consisting of [N] page(s) each signed by me, is true to the best of my knowledge and belief " +
		"and I make it knowing that, if it is tendered in evidence, I shall be liable to prosecution if I have wilfully " +
		"stated in it anything which I know to be false or do not believe to be true.")
	s.heading("Statement")
	s.para("I am [role] at [unit]. In the course of [purpose: " + c.Purpose + "] I made the captures described below " +
		"using the watchroom software, which requests the page from the internet, keeps the request it sent and the " +
		"response it received unchanged in a WARC file, and computes a SHA-256 hash of every file it keeps.")
	for _, e := range exhibits {
		cap := caps[e.CaptureID]
		text := fmt.Sprintf("At %s I captured the address %s", stamp(cap.CapturedAt), cap.URL)
		if cap.FinalURL != cap.URL {
			text += fmt.Sprintf(", which led to %s", cap.FinalURL)
		}
		text += fmt.Sprintf(". The server at %s answered with status %d. My reason: %s.", cap.IP, cap.Status, cap.Note)
		for _, a := range cap.Artefacts {
			text += fmt.Sprintf(" The %s has SHA-256 %s.", kindName(a.Kind), a.SHA256)
		}
		text += fmt.Sprintf(" I produce this capture as exhibit %s.", e.Reference)
		if cap.CapturedBy != producer && cap.CapturedBy != "" {
			text += fmt.Sprintf(" [The capture was recorded under the user name %q: say whose it is.]", cap.CapturedBy)
		}
		s.para(text)
	}
	s.para(fmt.Sprintf("The exhibits are in evidence package %s, signed with this installation's key; "+
		"how to check it is in the package's README.txt. [Anything else the witness saw or did.]", pkg))
	s.pdf.Ln(6)
	s.row("Signature", "[                                   ]")
	s.row("Date", "[          ]")
	return s.bytes()
}

// kindName is how a statement names an artefact.
func kindName(kind string) string {
	switch kind {
	case KindWARC:
		return "raw capture (WARC file)"
	case KindScreenshot:
		return "screenshot (PNG)"
	case KindPDF:
		return "printed page (PDF)"
	}
	return kind + " file"
}
