package evidence

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Exported describes a package written by Export.
type Exported struct {
	PackageID string
	SHA256    string // of the zip file
	Size      int64
	Exhibits  int
	Files     int
}

// Export writes a case as one signed zip package to w: every artefact of
// every exhibit, each exhibit's custody log (JSON lines), an exhibit sheet
// per exhibit and a statement draft per producer (PDF), a README on how to
// verify, manifest.json, SHA256SUMS (which `sha256sum -c` accepts) and
// Ed25519 signatures of manifest.json and SHA256SUMS with the public key.
// The export itself is the last entry of each exhibit's custody log
// ("exported", with the package id), recorded once every file has been
// read and checked against its hash (one changed on disk fails the export
// before anything is recorded); a write to w that fails after that leaves
// the entry, which then records an attempt.
func (s *Service) Export(ctx context.Context, caseID int64, by string, w io.Writer) (Exported, error) {
	var out Exported
	key, err := s.signer()
	if err != nil {
		return out, err
	}
	pub := publicKey(key.pub)
	c, err := s.store.EvidenceCase(ctx, caseID)
	if err != nil {
		return out, err
	}
	exhibits, err := s.store.Exhibits(ctx, caseID)
	if err != nil {
		return out, err
	}
	if len(exhibits) == 0 {
		return out, fmt.Errorf("case %s: %w: it has no exhibits to export", c.Reference, ErrInvalid)
	}
	at := s.now()
	out.PackageID = uuid.NewString()
	pkg := newPackage(at)

	caps := make(map[int64]Capture, len(exhibits))
	ids := make([]int64, 0, len(exhibits))
	m := Manifest{Format: PackageFormat, PackageID: out.PackageID, CreatedAt: at, CreatedBy: by, Tool: s.opts.Tool,
		Case: c, SigningKey: pub.Fingerprint}
	for _, e := range exhibits {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		cap, err := s.store.EvidenceCapture(ctx, e.CaptureID)
		if err != nil {
			return out, err
		}
		caps[e.CaptureID] = cap
		ids = append(ids, e.CaptureID)
		me := ManifestExhibit{Exhibit: e, Capture: cap}
		for _, a := range cap.Artefacts {
			data, err := s.blobs.read(a.SHA256)
			if err != nil {
				return out, fmt.Errorf("exhibit %s: %w", e.Reference, err)
			}
			p := exhibitDir(e) + "/" + artefactName(a)
			pkg.add(p, data)
			me.Files = append(me.Files, ManifestFile{Path: p, Kind: a.Kind, SHA256: a.SHA256, Size: a.Size, MediaType: a.MediaType})
		}
		m.Exhibits = append(m.Exhibits, me)
	}

	if err := s.store.AppendCustody(ctx, ids, Act{At: at, Actor: by, Action: ActExported,
		Detail: map[string]string{"package": out.PackageID, "case": c.Reference}}); err != nil {
		return out, err
	}
	logs := make([][]CustodyEntry, len(m.Exhibits))
	for i := range m.Exhibits {
		me := &m.Exhibits[i]
		log, err := s.store.Custody(ctx, me.Exhibit.CaptureID)
		if err != nil {
			return out, err
		}
		if err := VerifyChain(log); err != nil {
			return out, fmt.Errorf("exhibit %s: custody log: %w", me.Exhibit.Reference, err)
		}
		var lines bytes.Buffer
		for _, l := range log {
			b, _ := json.Marshal(l)
			lines.Write(b)
			lines.WriteByte('\n')
		}
		lp := exhibitDir(me.Exhibit) + "/custody.jsonl"
		pkg.add(lp, lines.Bytes())
		me.Custody = ManifestLog{Path: lp, Entries: len(log), Head: log[len(log)-1].Hash}
		logs[i] = log
	}
	// The sheets are most of an export's work; they are made side by side.
	sheets := make([][]byte, len(m.Exhibits))
	errs := make([]error, len(m.Exhibits))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				me := m.Exhibits[i]
				sheets[i], errs[i] = exhibitSheet(c, me.Exhibit, me.Capture, me.Files, logs[i], at)
			}
		})
	}
	for i := range m.Exhibits {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return out, fmt.Errorf("exhibit %s: sheet: %w", m.Exhibits[i].Exhibit.Reference, err)
		}
	}
	for i, me := range m.Exhibits {
		m.Documents = append(m.Documents, pkg.add(exhibitDir(me.Exhibit)+"/exhibit-sheet.pdf", sheets[i]).withKind("exhibit_sheet", "application/pdf"))
	}

	byProducer := map[string][]Exhibit{}
	for _, e := range exhibits {
		byProducer[e.Producer] = append(byProducer[e.Producer], e)
	}
	producers := slices.Sorted(maps.Keys(byProducer))
	for i, p := range producers {
		doc, err := statementDraft(c, p, byProducer[p], caps, out.PackageID, at)
		if err != nil {
			return out, fmt.Errorf("statement draft of %s: %w", p, err)
		}
		name := fmt.Sprintf("statements/%02d-%s-draft.pdf", i+1, safeName(Initials(p)))
		m.Documents = append(m.Documents, pkg.add(name, doc).withKind("statement_draft", "application/pdf"))
	}
	m.Documents = append(m.Documents, pkg.add(fileReadme, readme(c, m, pub)).withKind("readme", "text/plain"))

	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return out, err
	}
	manifest = append(manifest, '\n')
	pkg.add(fileManifest, manifest)
	sums := pkg.sums()
	pkg.addUnlisted(fileSums, sums)
	pkg.addUnlisted(fileSumsSig, ed25519.Sign(key.priv, sums))
	pkg.addUnlisted(fileManifestSig, ed25519.Sign(key.priv, manifest))
	pkg.addUnlisted(filePublicKey, pub.PEM)

	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(w, h)}
	if err := pkg.write(cw); err != nil {
		return out, fmt.Errorf("write package: %w", err)
	}
	out.SHA256, out.Size, out.Exhibits, out.Files = hex.EncodeToString(h.Sum(nil)), cw.n, len(exhibits), len(pkg.files)
	s.log.Info("evidence package exported", "case", c.Reference, "package", out.PackageID, "exhibits", out.Exhibits, "sha256", out.SHA256, "by", by)
	return out, nil
}

// ExportFile writes the package to path (through a temporary file, made
// read-only, renamed into place).
func (s *Service) ExportFile(ctx context.Context, caseID int64, by, path string) (Exported, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".package-*")
	if err != nil {
		return Exported{}, err
	}
	defer os.Remove(tmp.Name())
	out, err := s.Export(ctx, caseID, by, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if err == nil {
		err = tmp.Chmod(0o440)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return out, err
}

func exhibitDir(e Exhibit) string {
	return "exhibits/" + safeName(strings.ReplaceAll(e.Reference, "/", "-"))
}

func artefactName(a Artefact) string {
	switch a.Kind {
	case KindWARC:
		return "capture.warc"
	case KindScreenshot:
		return "screenshot.png"
	case KindPDF:
		return "page.pdf"
	}
	return safeName(a.Kind)
}

// safeName keeps letters, digits, '-', '_' and '.', so no path can leave
// its folder or trouble a file system.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	if len(b) == 0 || strings.Trim(string(b), ".") == "" {
		return "_"
	}
	return string(b)
}

// zipPackage collects a package's files in order before writing them.
type zipPackage struct {
	at     time.Time
	files  []zipFile
	listed map[string]ManifestFile
}

type zipFile struct {
	name string
	data []byte
}

func newPackage(at time.Time) *zipPackage {
	return &zipPackage{at: at, listed: map[string]ManifestFile{}}
}

func (p *zipPackage) add(name string, data []byte) ManifestFile {
	p.files = append(p.files, zipFile{name, data})
	sum := sha256.Sum256(data)
	f := ManifestFile{Path: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
	p.listed[name] = f
	return f
}

func (f ManifestFile) withKind(kind, mediaType string) ManifestFile {
	f.Kind, f.MediaType = kind, mediaType
	return f
}

func (p *zipPackage) addUnlisted(name string, data []byte) {
	p.files = append(p.files, zipFile{name, data})
}

// sums is SHA256SUMS: every listed file, sorted by path, in the format
// of sha256sum (hash, two spaces, path).
func (p *zipPackage) sums() []byte {
	names := make([]string, 0, len(p.listed))
	for n := range p.listed {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, n := range names {
		fmt.Fprintf(&b, "%s  %s\n", p.listed[n].SHA256, n)
	}
	return b.Bytes()
}

func (p *zipPackage) write(w io.Writer) error {
	zw := zip.NewWriter(w)
	for _, f := range p.files {
		method := zip.Deflate
		switch filepath.Ext(f.name) {
		case ".png", ".sig":
			method = zip.Store // compressed already, or tiny
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: method, Modified: p.at})
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
