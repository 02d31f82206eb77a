package evidence

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// Problem kinds a verification reports.
const (
	ProblemChanged   = "changed"   // a file's content differs from its recorded hash
	ProblemMissing   = "missing"   // a recorded file is not in the package
	ProblemAdded     = "added"     // a file is in the package but recorded nowhere
	ProblemSignature = "signature" // a signature does not verify
	ProblemKey       = "key"       // the signing key is not the one expected
	ProblemCustody   = "custody"   // a custody log is broken or cut short
	ProblemManifest  = "manifest"  // the manifest is unreadable or disagrees with SHA256SUMS
)

// Problem is one thing that is not as the package says.
type Problem struct {
	Kind   string `json:"kind"`
	Path   string `json:"path,omitempty"`
	Detail string `json:"detail"`
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Kind + ": " + p.Detail
	}
	return p.Kind + ": " + p.Path + ": " + p.Detail
}

// Report is the result of verifying a package.
type Report struct {
	PackageID      string    `json:"package_id"`
	Case           string    `json:"case"`
	KeyFingerprint string    `json:"key_fingerprint"`
	Exhibits       int       `json:"exhibits"`
	FilesChecked   int       `json:"files_checked"`
	Problems       []Problem `json:"problems"`
}

// OK reports whether nothing differs.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Err is nil when the package verifies, else an error naming every problem.
func (r *Report) Err() error {
	if r.OK() {
		return nil
	}
	lines := make([]string, len(r.Problems))
	for i, p := range r.Problems {
		lines[i] = p.String()
	}
	return fmt.Errorf("evidence package does not verify:\n  %s", strings.Join(lines, "\n  "))
}

func (r *Report) add(kind, p, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Kind: kind, Path: p, Detail: fmt.Sprintf(format, args...)})
}

// VerifyOptions say what key the package must be signed with. Either may
// be given; empty means "whatever key the package carries", which proves
// integrity but not origin.
type VerifyOptions struct {
	Fingerprint string // "sha256:<hex>" (or the bare hex)
	Key         []byte // a PEM public key
}

// Verify checks a package file; see VerifyReader.
func Verify(pathName string, opts VerifyOptions) (*Report, error) {
	zr, err := zip.OpenReader(pathName)
	if err != nil {
		return nil, fmt.Errorf("open package %s: %w", pathName, err)
	}
	defer zr.Close()
	return verifyZip(&zr.Reader, opts)
}

// VerifyReader checks a package: every file against SHA256SUMS and the
// manifest, files present but recorded nowhere, both signatures against the
// package's public key (and the expected key, when given), and each
// exhibit's custody chain against the head the manifest records. The error
// is for a package that cannot be read at all; everything else is a
// Problem in the report.
func VerifyReader(r io.ReaderAt, size int64, opts VerifyOptions) (*Report, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("read package: %w", err)
	}
	return verifyZip(zr, opts)
}

// maxPackageFile bounds one file read from a package, so a hostile zip
// cannot exhaust memory.
const maxPackageFile = 1 << 30

func verifyZip(zr *zip.Reader, opts VerifyOptions) (*Report, error) {
	rep := &Report{Problems: []Problem{}}
	files := map[string][]byte{}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		name := f.Name
		if path.IsAbs(name) || strings.Contains(name, "\\") || path.Clean(name) != name || strings.HasPrefix(name, "../") {
			rep.add(ProblemAdded, name, "a file name no package has (outside the package's folder)")
			continue
		}
		if _, dup := files[name]; dup {
			rep.add(ProblemAdded, name, "a second file of the same name")
			continue
		}
		rc, err := f.Open()
		if err != nil {
			rep.add(ProblemChanged, name, "cannot be read: %v", err)
			continue
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxPackageFile+1))
		rc.Close()
		if err != nil || len(data) > maxPackageFile {
			rep.add(ProblemChanged, name, "cannot be read: %v", err)
			continue
		}
		files[name] = data
	}
	for _, must := range []string{fileSums, fileSumsSig, fileManifest, fileManifestSig, filePublicKey} {
		if _, ok := files[must]; !ok {
			rep.add(ProblemMissing, must, "the package has no %s", must)
		}
	}

	sums, sumErrs := parseSums(files[fileSums])
	for _, e := range sumErrs {
		rep.add(ProblemChanged, fileSums, "%s", e)
	}
	bad := map[string]bool{} // files already reported, so each is named once
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		data, ok := files[n]
		if !ok {
			rep.add(ProblemMissing, n, "listed in SHA256SUMS but not in the package")
			bad[n] = true
			continue
		}
		rep.FilesChecked++
		if got := sha256Hex(data); got != sums[n] {
			rep.add(ProblemChanged, n, "its SHA-256 is %s, SHA256SUMS records %s", got, sums[n])
			bad[n] = true
		}
	}
	unlisted := map[string]bool{fileSums: true, fileSumsSig: true, fileManifestSig: true, filePublicKey: true}
	var extra []string
	for n := range files {
		if _, listed := sums[n]; !listed && !unlisted[n] {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	for _, n := range extra {
		rep.add(ProblemAdded, n, "in the package but not listed in SHA256SUMS")
	}

	verifySignatures(rep, files, opts)

	var m Manifest
	if data, ok := files[fileManifest]; ok {
		if err := json.Unmarshal(data, &m); err != nil {
			rep.add(ProblemManifest, fileManifest, "unreadable: %v", err)
			return rep, nil
		}
	}
	if m.Format != "" && m.Format != PackageFormat {
		rep.add(ProblemManifest, fileManifest, "format %q is not %q", m.Format, PackageFormat)
	}
	rep.PackageID, rep.Case, rep.Exhibits = m.PackageID, m.Case.Reference, len(m.Exhibits)
	if rep.KeyFingerprint != "" && m.SigningKey != "" && m.SigningKey != rep.KeyFingerprint {
		rep.add(ProblemKey, fileManifest, "names signing key %s but the package carries %s", m.SigningKey, rep.KeyFingerprint)
	}
	check := func(f ManifestFile) {
		if bad[f.Path] {
			return
		}
		data, ok := files[f.Path]
		switch {
		case !ok:
			rep.add(ProblemMissing, f.Path, "recorded in the manifest but not in the package")
			bad[f.Path] = true
		case sha256Hex(data) != f.SHA256:
			rep.add(ProblemChanged, f.Path, "its SHA-256 is %s, the manifest records %s", sha256Hex(data), f.SHA256)
			bad[f.Path] = true
		case sums[f.Path] == "":
			rep.add(ProblemManifest, f.Path, "recorded in the manifest but not listed in SHA256SUMS")
		}
	}
	for _, me := range m.Exhibits {
		for _, f := range me.Files {
			check(f)
			if a, ok := me.Capture.Artefact(f.Kind); !ok || a.SHA256 != f.SHA256 {
				rep.add(ProblemManifest, f.Path, "its hash is not the capture's recorded %s hash", f.Kind)
			}
		}
		verifyCustody(rep, files, me, m.PackageID)
	}
	for _, d := range m.Documents {
		check(d)
	}
	return rep, nil
}

func verifySignatures(rep *Report, files map[string][]byte, opts VerifyOptions) {
	keyPEM, ok := files[filePublicKey]
	if !ok {
		return
	}
	key, err := KeyFromPEM(keyPEM)
	if err != nil {
		rep.add(ProblemKey, filePublicKey, "not a usable Ed25519 public key: %v", err)
		return
	}
	rep.KeyFingerprint = key.Fingerprint
	for _, pair := range [][2]string{{fileSums, fileSumsSig}, {fileManifest, fileManifestSig}} {
		msg, okM := files[pair[0]]
		sig, okS := files[pair[1]]
		if !okM || !okS {
			continue
		}
		if len(sig) != ed25519.SignatureSize || !ed25519.Verify(key.Public, msg, sig) {
			rep.add(ProblemSignature, pair[1], "does not verify %s with the package's public key %s: "+
				"%s was changed after signing, or signed with another key", pair[0], key.Fingerprint, pair[0])
		}
	}
	want := strings.TrimSpace(opts.Fingerprint)
	if want != "" && !strings.HasPrefix(want, "sha256:") {
		want = "sha256:" + want
	}
	if len(opts.Key) > 0 {
		k, err := KeyFromPEM(opts.Key)
		if err != nil {
			rep.add(ProblemKey, "", "the expected key is not a usable Ed25519 public key: %v", err)
			return
		}
		if want != "" && !strings.EqualFold(want, k.Fingerprint) {
			rep.add(ProblemKey, "", "the expected key %s and the expected fingerprint %s differ", k.Fingerprint, want)
		}
		want = k.Fingerprint
	}
	if want != "" && !strings.EqualFold(want, key.Fingerprint) {
		rep.add(ProblemKey, filePublicKey, "the package is signed with key %s, not the expected %s", key.Fingerprint, want)
	}
}

// verifyCustody checks an exhibit's log: the chain, that it is the
// exhibit's, and that it runs to the head the manifest records.
func verifyCustody(rep *Report, files map[string][]byte, me ManifestExhibit, pkgID string) {
	ref := me.Exhibit.Reference
	p := me.Custody.Path
	data, ok := files[p]
	if !ok {
		if p == "" {
			rep.add(ProblemManifest, fileManifest, "exhibit %s has no custody log", ref)
		}
		return // reported as missing already
	}
	var log []CustodyEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var e CustodyEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			rep.add(ProblemCustody, p, "custody log of %s: line %d is unreadable: %v", ref, n, err)
			return
		}
		log = append(log, e)
	}
	if err := VerifyChain(log); err != nil {
		rep.add(ProblemCustody, p, "custody log of %s: %v", ref, err)
		return
	}
	for _, e := range log {
		if e.CaptureID != me.Exhibit.CaptureID {
			rep.add(ProblemCustody, p, "custody log of %s: entry %d belongs to capture %d, not %d", ref, e.Seq, e.CaptureID, me.Exhibit.CaptureID)
			return
		}
	}
	head := ""
	if len(log) > 0 {
		head = log[len(log)-1].Hash
	}
	switch {
	case len(log) < me.Custody.Entries:
		rep.add(ProblemCustody, p, "custody log of %s was cut short: it has %d entries, the manifest records %d ending in %s",
			ref, len(log), me.Custody.Entries, short(me.Custody.Head))
	case len(log) > me.Custody.Entries || head != me.Custody.Head:
		rep.add(ProblemCustody, p, "custody log of %s does not end where the manifest says (%d entries ending in %s; it has %d ending in %s)",
			ref, me.Custody.Entries, short(me.Custody.Head), len(log), short(head))
	case log[len(log)-1].Action != ActExported || log[len(log)-1].Detail["package"] != pkgID:
		rep.add(ProblemCustody, p, "custody log of %s does not end with this package's export", ref)
	}
}

// parseSums reads SHA256SUMS lines ("<hex>  <path>" or "<hex> *<path>").
func parseSums(data []byte) (map[string]string, []string) {
	out := map[string]string{}
	var errs []string
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		sum, name, ok := strings.Cut(line, " ")
		name = strings.TrimPrefix(strings.TrimPrefix(name, " "), "*")
		if !ok || len(sum) != 64 || !isHex(sum) || name == "" {
			errs = append(errs, fmt.Sprintf("line %d is not \"<sha256>  <path>\"", i+1))
			continue
		}
		if _, dup := out[name]; dup {
			errs = append(errs, fmt.Sprintf("line %d lists %s a second time", i+1, name))
			continue
		}
		out[name] = strings.ToLower(sum)
	}
	return out, errs
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
