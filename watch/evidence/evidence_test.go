package evidence_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"

	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/evidence/evidencetest"
	"github.com/watchroom/watchroom/watch/fetch"
)

// exportCase captures two pages, opens a case, produces them as exhibits
// and exports the package; it returns the package's path.
func exportCase(t testing.TB, r *rig) (string, evidence.Case) {
	t.Helper()
	ctx := context.Background()
	c1 := r.capture(t, "/post/1")
	r.clock.Add(time.Minute)
	c2 := r.capture(t, "/p/2")
	k, err := r.svc.OpenCase(ctx, evidence.NewCase{Reference: "42/1234/26", Officer: "DC Jones", Purpose: "Public Order Act 1986 s.4",
		Operation: "op-carnival", Tasking: "T-19", By: "jsmith"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{c1.ID, c2.ID} {
		if _, err := r.svc.AddExhibit(ctx, evidence.NewExhibit{CaseID: k.ID, CaptureID: id, Producer: "Jane Smith", By: "jsmith"}); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(t.TempDir(), "case.zip")
	if _, err := r.svc.ExportFile(ctx, k.ID, "jsmith", p); err != nil {
		t.Fatalf("Export: %v", err)
	}
	return p, k
}

func TestCaptureKeepsTheExchangeAsWARC(t *testing.T) {
	r := newRig(t, evidence.Options{})
	c := r.capture(t, "/post/1")
	if c.FinalURL != r.site.URL+"/p/1" || c.Status != 200 || c.IP != "127.0.0.1" || len(c.Redirects) != 2 {
		t.Fatalf("capture = %+v", c)
	}
	if !c.CapturedAt.Equal(r.clock.Now()) || c.CapturedBy != "jsmith" || c.HitID != 7 || c.Operation != "op-carnival" || c.Tool != "watchroom test" {
		t.Errorf("capture metadata = %+v", c)
	}
	if c.Rendered || !strings.Contains(c.RenderNote, "no browser") {
		t.Errorf("without a renderer: rendered=%v note=%q, want a plain note", c.Rendered, c.RenderNote)
	}
	a, ok := c.Artefact(evidence.KindWARC)
	if !ok {
		t.Fatal("no WARC artefact")
	}
	p := filepath.Join(r.dir, "blobs", "evidence", a.SHA256)
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o440 {
		t.Errorf("blob mode %v, want 0440", fi.Mode().Perm())
	}
	// The WARC reads back with strict validation (digests included).
	wf, err := gowarc.NewWarcFileReader(p, 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer wf.Close()
	var types []string
	var sawBody, sawIP bool
	for rec, err := range wf.Records() {
		if err != nil {
			t.Fatalf("WARC record: %v", err)
		}
		wr := rec.WarcRecord
		types = append(types, wr.Type().String())
		if d := wr.WarcHeader().Get(gowarc.WarcBlockDigest); !strings.HasPrefix(d, "sha256:") {
			t.Errorf("%s record: block digest %q, want SHA-256", wr.Type(), d)
		}
		if wr.Type() == gowarc.Response && !strings.HasPrefix(wr.WarcHeader().Get(gowarc.WarcPayloadDigest), "sha256:") {
			t.Errorf("response record without a SHA-256 payload digest")
		}
		if wr.WarcHeader().Get(gowarc.WarcIPAddress) == "127.0.0.1" {
			sawIP = true
		}
		if wr.Type() == gowarc.Response {
			var buf bytes.Buffer
			rd, err := wr.Block().RawBytes()
			if err != nil {
				t.Fatal(err)
			}
			buf.ReadFrom(rd)
			if strings.Contains(buf.String(), "Meet at the car park") {
				sawBody = true
			}
		}
		rec.Close()
	}
	if got := strings.Join(types, ","); got != "warcinfo,request,response,request,response,metadata" {
		t.Errorf("WARC records = %s", got)
	}
	if !sawBody || !sawIP {
		t.Errorf("WARC: body kept %v, address kept %v", sawBody, sawIP)
	}
}

func TestCaptureRefusesAPrivateAddress(t *testing.T) {
	r := newRig(t, evidence.Options{})
	guarded, err := evidence.New(r.st, newFetcher(t, false), quiet(), evidence.Options{DataDir: r.dir, Now: r.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	_, err = guarded.Capture(context.Background(), evidence.CaptureRequest{URL: r.site.URL + "/p/1", By: "jsmith", Note: "x"})
	if fetch.ClassOf(err) != fetch.ClassRefused {
		t.Fatalf("capture of a loopback address without an allow-list: err = %v, want refused", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(r.dir, "blobs", "evidence")); len(entries) != 0 {
		t.Errorf("a refused capture left %d files", len(entries))
	}
	if audit, _ := r.st.AuditLog(context.Background(), 10); len(audit) != 0 {
		t.Errorf("a refused capture was recorded: %+v", audit)
	}
}

func TestPackageVerifies(t *testing.T) {
	r := newRig(t, evidence.Options{})
	p, _ := exportCase(t, r)
	key, err := r.svc.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := evidence.Verify(p, evidence.VerifyOptions{Fingerprint: key.Fingerprint})
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatal(err)
	}
	if rep.Exhibits != 2 || rep.Case != "42/1234/26" || rep.KeyFingerprint != key.Fingerprint || rep.FilesChecked < 9 {
		t.Errorf("report = %+v", rep)
	}
	_, files := evidencetest.Unzip(t, p)
	for _, want := range []string{"README.txt", "manifest.json", "SHA256SUMS", "SHA256SUMS.sig", "manifest.json.sig", "public_key.pem",
		"exhibits/JS-1/capture.warc", "exhibits/JS-1/custody.jsonl", "exhibits/JS-1/exhibit-sheet.pdf",
		"exhibits/JS-2/capture.warc", "statements/01-JS-draft.pdf"} {
		if _, ok := files[want]; !ok {
			t.Errorf("package lacks %s", want)
		}
	}
	if !bytes.HasPrefix(files["exhibits/JS-1/exhibit-sheet.pdf"], []byte("%PDF-")) {
		t.Error("the exhibit sheet is not a PDF")
	}

	// A third party with nothing but sha256sum gets the same answer.
	if _, err := exec.LookPath("sha256sum"); err == nil {
		dir := t.TempDir()
		for name, data := range files {
			os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
			os.WriteFile(filepath.Join(dir, name), data, 0o644)
		}
		cmd := exec.Command("sha256sum", "--strict", "-c", "SHA256SUMS")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("sha256sum -c: %v\n%s", err, out)
		}
		if _, err := exec.LookPath("python3"); err == nil {
			checkCustodyByDocsRecipe(t, filepath.Join(dir, "exhibits", "JS-1", "custody.jsonl"))
		}
		if out, err := exec.Command("openssl", "version").Output(); err == nil && strings.HasPrefix(string(out), "OpenSSL 3") {
			der, err := exec.Command("openssl", "pkey", "-pubin", "-in", filepath.Join(dir, "public_key.pem"), "-outform", "DER").Output()
			if sum := sha256.Sum256(der); err != nil || "sha256:"+hex.EncodeToString(sum[:]) != key.Fingerprint {
				t.Errorf("openssl's view of the key: fingerprint sha256:%x (%v), want %s", sum, err, key.Fingerprint)
			}
			cmd := exec.Command("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "public_key.pem", "-rawin", "-in", "SHA256SUMS", "-sigfile", "SHA256SUMS.sig")
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("openssl verify: %v\n%s", err, out)
			}
		}
	}
}

func TestVerifyNamesWhatDiffers(t *testing.T) {
	r := newRig(t, evidence.Options{})
	p, _ := exportCase(t, r)
	key, _ := r.svc.PublicKey()
	other := newRig(t, evidence.Options{})
	otherKey, err := other.svc.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	otherPkg, _ := exportCase(t, other)
	_, otherFiles := evidencetest.Unzip(t, otherPkg)

	cases := []struct {
		name   string
		alter  func(order *[]string, files map[string][]byte)
		opts   evidence.VerifyOptions
		kind   string
		naming string
	}{
		{"flipped byte in a capture", func(_ *[]string, f map[string][]byte) {
			b := f["exhibits/JS-2/capture.warc"]
			b[len(b)/2] ^= 0x01
		}, evidence.VerifyOptions{}, evidence.ProblemChanged, "exhibits/JS-2/capture.warc"},
		{"removed file", func(_ *[]string, f map[string][]byte) {
			delete(f, "exhibits/JS-1/exhibit-sheet.pdf")
		}, evidence.VerifyOptions{}, evidence.ProblemMissing, "exhibits/JS-1/exhibit-sheet.pdf"},
		{"added file", func(o *[]string, f map[string][]byte) {
			*o = append(*o, "exhibits/JS-1/extra.txt")
			f["exhibits/JS-1/extra.txt"] = []byte("planted")
		}, evidence.VerifyOptions{}, evidence.ProblemAdded, "exhibits/JS-1/extra.txt"},
		{"truncated custody log", func(_ *[]string, f map[string][]byte) {
			lines := bytes.SplitAfter(f["exhibits/JS-1/custody.jsonl"], []byte("\n"))
			f["exhibits/JS-1/custody.jsonl"] = bytes.Join(lines[:len(lines)-2], nil) // the last entry gone
		}, evidence.VerifyOptions{}, evidence.ProblemCustody, "cut short"},
		{"wrong expected key", func(*[]string, map[string][]byte) {}, evidence.VerifyOptions{Fingerprint: otherKey.Fingerprint},
			evidence.ProblemKey, "not the expected " + otherKey.Fingerprint},
		{"public key swapped", func(_ *[]string, f map[string][]byte) {
			f["public_key.pem"] = otherKey.PEM
		}, evidence.VerifyOptions{}, evidence.ProblemSignature, "SHA256SUMS.sig"},
		{"signed with another key", func(_ *[]string, f map[string][]byte) {
			for _, n := range []string{"SHA256SUMS.sig", "manifest.json.sig", "public_key.pem"} {
				f[n] = otherFiles[n]
			}
		}, evidence.VerifyOptions{Fingerprint: key.Fingerprint}, evidence.ProblemSignature, "SHA256SUMS.sig"},
		{"manifest edited", func(_ *[]string, f map[string][]byte) {
			f["manifest.json"] = bytes.Replace(f["manifest.json"], []byte("DC Jones"), []byte("DC Jonas"), 1)
		}, evidence.VerifyOptions{}, evidence.ProblemChanged, "manifest.json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			order, files := evidencetest.Unzip(t, p)
			tc.alter(&order, files)
			rep, err := evidence.Verify(evidencetest.Rezip(t, order, files), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Fatal("an altered package verified")
			}
			t.Log(rep.Err())
			found := false
			for _, pr := range rep.Problems {
				if pr.Kind == tc.kind && strings.Contains(pr.String(), tc.naming) {
					found = true
				}
			}
			if !found {
				t.Errorf("problems %v: none of kind %q naming %q", rep.Problems, tc.kind, tc.naming)
			}
			if msg := rep.Err().Error(); !strings.Contains(msg, tc.naming) {
				t.Errorf("error %q does not name %q", msg, tc.naming)
			}
		})
	}

	// Unaltered, repacked: still verifies (the check is of content, not of the zip's bytes).
	order, files := evidencetest.Unzip(t, p)
	rep, _ := evidence.Verify(evidencetest.Rezip(t, order, files), evidence.VerifyOptions{Key: key.PEM})
	if err := rep.Err(); err != nil {
		t.Errorf("repacked, unaltered: %v", err)
	}
}

func TestCustodyRecordsEveryAct(t *testing.T) {
	r := newRig(t, evidence.Options{})
	ctx := context.Background()
	c := r.capture(t, "/p/9")
	k, err := r.svc.OpenCase(ctx, evidence.NewCase{Reference: "OP/1", Officer: "DS Patel", Purpose: "intelligence", By: "jsmith"})
	if err != nil {
		t.Fatal(err)
	}
	r.clock.Add(time.Second)
	ex, err := r.svc.AddExhibit(ctx, evidence.NewExhibit{CaseID: k.ID, CaptureID: c.ID, Producer: "Jane Smith", By: "jsmith"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.View(ctx, c.ID, "dpatel", "review for charge file"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.svc.Artefact(ctx, c.ID, evidence.KindWARC, "dpatel"); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Disclose(ctx, ex.ID, "dpatel", "CPS"); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.SetRetention(ctx, ex.ID, evidence.RetentionExtended, "dpatel", "serious offence"); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.SetRetention(ctx, ex.ID, "forever", "dpatel", ""); !errors.Is(err, evidence.ErrInvalid) {
		t.Errorf("unknown retention class: err = %v", err)
	}
	log, err := r.svc.Custody(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, e := range log {
		acts = append(acts, e.Action)
	}
	if got := strings.Join(acts, ","); got != "captured,added_to_case,viewed,viewed,disclosed,retention_changed" {
		t.Errorf("custody = %s", got)
	}
	if log[5].Detail["from"] != "standard" || log[5].Detail["to"] != "extended" {
		t.Errorf("retention entry detail = %v", log[5].Detail)
	}
	// Each act is in the audit log too, which still verifies.
	if err := r.st.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	audit, err := r.st.AuditLog(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range audit {
		if strings.HasPrefix(a.Action, "evidence_") && a.Target == "capture:"+itoa(c.ID) {
			n++
			if !strings.Contains(a.Detail, "custody_hash=") {
				t.Errorf("audit entry %s lacks the custody hash: %q", a.Action, a.Detail)
			}
		}
	}
	if n != len(log) {
		t.Errorf("%d audit entries for %d custody entries", n, len(log))
	}
	// A changed entry breaks the chain where it was changed.
	log[2].Actor = "someone else"
	if err := evidence.VerifyChain(log); err == nil || !strings.Contains(err.Error(), "entry 3") {
		t.Errorf("VerifyChain after a change = %v, want entry 3 named", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestExhibitReferencesPerProducer(t *testing.T) {
	r := newRig(t, evidence.Options{})
	ctx := context.Background()
	k, _ := r.svc.OpenCase(ctx, evidence.NewCase{Reference: "C1", Officer: "DC Jones", Purpose: "p", By: "a"})
	k2, _ := r.svc.OpenCase(ctx, evidence.NewCase{Reference: "C2", Officer: "DC Jones", Purpose: "p", By: "a"})
	add := func(caseID int64, producer string) string {
		c := r.capture(t, "/p/x")
		e, err := r.svc.AddExhibit(ctx, evidence.NewExhibit{CaseID: caseID, CaptureID: c.ID, Producer: producer, By: "a"})
		if err != nil {
			t.Fatal(err)
		}
		return e.Reference
	}
	got := []string{add(k.ID, "Jane Smith"), add(k.ID, "Jane Smith"), add(k.ID, "Amir Bashir"), add(k.ID, "Jane Smith"), add(k2.ID, "Jane Smith")}
	if strings.Join(got, " ") != "JS/1 JS/2 AB/1 JS/3 JS/1" {
		t.Errorf("references = %v", got)
	}
	c := r.capture(t, "/p/y")
	e, _ := r.svc.AddExhibit(ctx, evidence.NewExhibit{CaseID: k.ID, CaptureID: c.ID, Producer: "Jane Smith", By: "a"})
	if _, err := r.svc.AddExhibit(ctx, evidence.NewExhibit{CaseID: k2.ID, CaptureID: e.CaptureID, Producer: "Jane Smith", By: "a"}); !errors.Is(err, evidence.ErrExists) {
		t.Errorf("a capture in a second case: err = %v, want ErrExists", err)
	}
	if _, err := r.svc.OpenCase(ctx, evidence.NewCase{Reference: "c1", Officer: "x", Purpose: "p", By: "a"}); !errors.Is(err, evidence.ErrExists) {
		t.Errorf("a second case C1: err = %v, want ErrExists", err)
	}
}

func TestClosedCasesAndRetention(t *testing.T) {
	r := newRig(t, evidence.Options{UnattachedKeep: 24 * time.Hour,
		Retention: map[string]time.Duration{"standard": 30 * 24 * time.Hour}})
	ctx := context.Background()
	kept := r.capture(t, "/p/kept")
	loose := r.capture(t, "/p/loose")
	k, _ := r.svc.OpenCase(ctx, evidence.NewCase{Reference: "C1", Officer: "DC Jones", Purpose: "p", By: "a"})
	ex, err := r.svc.AddExhibit(ctx, evidence.NewExhibit{CaseID: k.ID, CaptureID: kept.ID, Producer: "Jane Smith", By: "a"})
	if err != nil {
		t.Fatal(err)
	}
	r.clock.Add(48 * time.Hour)
	n, err := r.svc.Prune(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v; want the one capture that is no exhibit", n, err)
	}
	if _, err := r.svc.View(ctx, loose.ID, "a", "x"); !errors.Is(err, evidence.ErrNotFound) {
		t.Errorf("pruned capture: err = %v", err)
	}
	if _, err := r.svc.View(ctx, kept.ID, "a", "x"); err != nil {
		t.Errorf("the exhibit was pruned: %v", err)
	}
	warc, _ := kept.Artefact(evidence.KindWARC)
	if _, err := os.Stat(filepath.Join(r.dir, "blobs", "evidence", warc.SHA256)); err != nil {
		t.Errorf("the exhibit's file: %v", err)
	}
	looseWARC, _ := loose.Artefact(evidence.KindWARC)
	if _, err := os.Stat(filepath.Join(r.dir, "blobs", "evidence", looseWARC.SHA256)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the pruned capture's file is still there: %v", err)
	}

	if rv, _ := r.svc.Reviews(ctx); len(rv) != 0 {
		t.Errorf("an open case's exhibit has a review date: %+v", rv)
	}
	closed, err := r.svc.CloseCase(ctx, k.ID, "dcjones")
	if err != nil || closed.Open() {
		t.Fatalf("CloseCase = %+v, %v", closed, err)
	}
	if _, err := r.svc.CloseCase(ctx, k.ID, "dcjones"); !errors.Is(err, evidence.ErrClosed) {
		t.Errorf("closing twice: err = %v", err)
	}
	more := r.capture(t, "/p/late")
	if _, err := r.svc.AddExhibit(ctx, evidence.NewExhibit{CaseID: k.ID, CaptureID: more.ID, Producer: "Jane Smith", By: "a"}); !errors.Is(err, evidence.ErrClosed) {
		t.Errorf("exhibit added to a closed case: err = %v", err)
	}
	rv, _ := r.svc.Reviews(ctx)
	if len(rv) != 1 || rv[0].Exhibit.ID != ex.ID || rv[0].Due || !rv[0].ReviewAt.Equal(closed.ClosedAt.Add(30*24*time.Hour)) {
		t.Fatalf("reviews = %+v", rv)
	}
	r.clock.Add(31 * 24 * time.Hour)
	if rv, _ := r.svc.Reviews(ctx); len(rv) != 1 || !rv[0].Due {
		t.Errorf("after the review period: %+v", rv)
	}
	if _, err := r.svc.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.View(ctx, kept.ID, "a", "x"); err != nil {
		t.Errorf("a closed case's exhibit was pruned: %v", err)
	}
}

func TestExportRefusesAFileChangedOnDisk(t *testing.T) {
	r := newRig(t, evidence.Options{})
	ctx := context.Background()
	c := r.capture(t, "/p/1")
	k, _ := r.svc.OpenCase(ctx, evidence.NewCase{Reference: "C1", Officer: "DC Jones", Purpose: "p", By: "a"})
	r.svc.AddExhibit(ctx, evidence.NewExhibit{CaseID: k.ID, CaptureID: c.ID, Producer: "Jane Smith", By: "a"})
	a, _ := c.Artefact(evidence.KindWARC)
	p := filepath.Join(r.dir, "blobs", "evidence", a.SHA256)
	os.Chmod(p, 0o640)
	data, _ := os.ReadFile(p)
	data[10] ^= 1
	os.WriteFile(p, data, 0o640)
	var buf bytes.Buffer
	if _, err := r.svc.Export(ctx, k.ID, "a", &buf); !errors.Is(err, evidence.ErrTampered) {
		t.Fatalf("export with a changed file: err = %v, want ErrTampered", err)
	}
}

func TestSigningKeyIsMadeOnceAndKept(t *testing.T) {
	r := newRig(t, evidence.Options{})
	k1, err := r.svc.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(r.dir, "evidence", "signing.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v, want mode 0600", fi, err)
	}
	again, _ := evidence.New(r.st, newFetcher(t, true), quiet(), evidence.Options{DataDir: r.dir})
	k2, err := again.PublicKey()
	if err != nil || k2.Fingerprint != k1.Fingerprint || !strings.HasPrefix(k1.Fingerprint, "sha256:") {
		t.Fatalf("second service key %s (%v), first %s", k2.Fingerprint, err, k1.Fingerprint)
	}
	if k3, err := evidence.LoadKey(evidence.KeyPath(r.dir)); err != nil || k3.Fingerprint != k1.Fingerprint {
		t.Errorf("LoadKey = %s, %v; want %s", k3.Fingerprint, err, k1.Fingerprint)
	}
	parsed, err := evidence.KeyFromPEM(k1.PEM)
	if err != nil || parsed.Fingerprint != k1.Fingerprint {
		t.Errorf("KeyFromPEM: %v %s", err, parsed.Fingerprint)
	}
}

// checkCustodyByDocsRecipe runs the Python recipe docs/evidence.md gives
// for recomputing a custody log without watchroom.
func checkCustodyByDocsRecipe(t *testing.T, log string) {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "evidence.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```python\n")
	script, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("docs/evidence.md has no Python recipe")
	}
	out, err := exec.Command("python3", "-c", script, log).CombinedOutput()
	if err != nil {
		t.Fatalf("the docs' recipe: %v\n%s", err, out)
	}
	if got := string(out); strings.Contains(got, "BROKEN") || strings.Count(got, " ok\n") != 3 {
		t.Errorf("the docs' recipe says:\n%s", got)
	}
}

func TestOpenCaseExhibitsComeUpForReview(t *testing.T) {
	r := newRig(t, evidence.Options{OpenCaseReview: 30 * 24 * time.Hour})
	ctx := context.Background()
	c := r.capture(t, "/p/held")
	k, _ := r.svc.OpenCase(ctx, evidence.NewCase{Reference: "C1", Officer: "DC Jones", Purpose: "p", By: "a"})
	ex, err := r.svc.AddExhibit(ctx, evidence.NewExhibit{CaseID: k.ID, CaptureID: c.ID, Producer: "Jane Smith", By: "a"})
	if err != nil {
		t.Fatal(err)
	}
	rv, _ := r.svc.Reviews(ctx)
	if len(rv) != 1 || rv[0].Exhibit.ID != ex.ID || rv[0].Due || !rv[0].ReviewAt.Equal(ex.AddedAt.Add(30*24*time.Hour)) {
		t.Fatalf("reviews of an open case = %+v", rv)
	}
	r.clock.Add(30 * 24 * time.Hour)
	if rv, _ := r.svc.Reviews(ctx); len(rv) != 1 || !rv[0].Due {
		t.Errorf("after the open-case review period: %+v", rv)
	}
	if _, err := r.svc.Prune(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.View(ctx, c.ID, "a", "x"); err != nil {
		t.Errorf("an exhibit due for review was pruned: %v", err)
	}
}
