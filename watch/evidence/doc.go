// Package evidence preserves public web pages as evidence and hands them
// over so that anyone can check them: capture, exhibits, custody, signed
// packages and their verification. It follows the ACPO/NPCC principles:
// nothing done changes the original, every act is recorded, and a third
// party repeating the checks gets the same result.
//
// A capture fetches a URL through watch/fetch (its SSRF guard, body cap and
// timeouts apply; every redirect hop is kept) and stores the request and
// response as sent and received in a WARC 1.1 file, with the address
// connected to and the TLS certificates' SHA-256 fingerprints. With a
// Renderer (Browser, headless Chromium) it adds a full-page screenshot and
// a PDF; without one, the capture says so. Files are stored once, named by
// their SHA-256, read-only, and checked against their name whenever read.
//
// A capture becomes an exhibit of a case ("JS/3": the producer's initials
// and their next number in the case). Every act on it (captured, viewed,
// added to a case, exported, disclosed, retention changed) is an entry in
// its hash-chained custody log, written in the same transaction as the
// audit log's entry. Exhibits are never pruned; a closed case's exhibits
// come up for review after their retention class's period (Reviews).
//
// Use:
//
//	svc, err := evidence.New(st, fetcher, logger, evidence.Options{DataDir: dir, Renderer: browser})
//	c, err := svc.Capture(ctx, evidence.CaptureRequest{URL: u, By: "jsmith", Note: "threat to event"})
//	k, err := svc.OpenCase(ctx, evidence.NewCase{Reference: "42/1234/26", Officer: "DC Jones", Purpose: "s.4 POA", By: "jsmith"})
//	ex, err := svc.AddExhibit(ctx, evidence.NewExhibit{CaseID: k.ID, CaptureID: c.ID, Producer: "Jane Smith", By: "jsmith"})
//	out, err := svc.ExportFile(ctx, k.ID, "jsmith", "case.zip")
//	rep, err := evidence.Verify("case.zip", evidence.VerifyOptions{Fingerprint: fp}) // rep.Err() names what differs
//
// st is a *store.Store (it satisfies Store), fetcher a *fetch.Client.
// PublicKey returns the installation's Ed25519 signing key (made on first
// use under the data directory) and its fingerprint; docs/evidence.md says
// what the hashes and the signature prove.
package evidence
