package evidence

import (
	"fmt"
	"strings"
)

// readme is the package's README.txt: what is in it and how to check it
// with ordinary tools or with watchroom.
func readme(c Case, m Manifest, key Key) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `Evidence package %s
Case %s (%s), officer in charge %s
Made %s by %s with %s
Exhibits: %d

CONTENTS
  manifest.json          what each exhibit is, where and when it was captured,
                         by whom, with what, and the SHA-256 of every file
  SHA256SUMS             the SHA-256 of every file in the package except
                         itself, its signatures and the public key
  SHA256SUMS.sig         Ed25519 signature of SHA256SUMS (64 bytes, raw)
  manifest.json.sig      Ed25519 signature of manifest.json (64 bytes, raw)
  public_key.pem         the signing installation's public key
  exhibits/<REF>/        per exhibit: capture.warc (the HTTP request and
                         response, WARC 1.1), screenshot.png and page.pdf when
                         a browser rendered the page, custody.jsonl (every act
                         on the exhibit, hash-chained), exhibit-sheet.pdf
  statements/            a draft statement per producer, to be completed

HOW TO CHECK IT
1. Every file is what was packaged. Unzip, then in the unzipped folder:
       sha256sum -c SHA256SUMS
   Every line must say OK. A file that is not listed in SHA256SUMS was not
   in the package as made.
2. The list is the one the installation signed. Check the key first: its
   fingerprint must be the one the installation publishes
   ("watchroom evidence key" prints it):
       openssl pkey -pubin -in public_key.pem -outform DER | sha256sum
   must print %s
   then the signatures (OpenSSL 3):
       openssl pkeyutl -verify -pubin -inkey public_key.pem -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig
       openssl pkeyutl -verify -pubin -inkey public_key.pem -rawin -in manifest.json -sigfile manifest.json.sig
   Each must print "Signature Verified Successfully".
3. All of it, custody logs included, in one step:
       watchroom evidence verify <package.zip> --key %s
   It names every file changed, missing or added, a signature or key that
   does not match, and a custody log that was changed or cut short.
4. Each custody log can be recomputed by hand: an entry's "hash" is the
   SHA-256 (hex) of the previous entry's hash (empty for the first), a
   newline, and the entry's JSON with the fields capture_id, seq, at,
   actor, action, detail (keys sorted) in that order, no spaces, UTF-8.
   The last entry's hash and the number of entries must be the exhibit's
   "custody" "head" and "entries" in manifest.json.

WHAT THIS PROVES, AND WHAT IT DOES NOT
The hashes prove that each file is bit for bit the file that was packaged.
The signature proves that the list of hashes and the manifest were made by
the holder of the installation's private key and not changed since. The
custody logs show every recorded act on each exhibit, in order; each entry's
hash covers the one before, so a removed or changed entry shows.
They do not prove that what a web server sent is true, that the server was
the one its name suggests beyond the recorded address and TLS certificate
fingerprints, or that the installation's clock was right: the capture times
are the installation's clock in UTC. The producer's statement speaks to that.
`, m.PackageID, c.Reference, c.Purpose, c.Officer, m.CreatedAt.Format("2006-01-02 15:04:05 UTC"), m.CreatedBy, m.Tool,
		len(m.Exhibits), strings.TrimPrefix(key.Fingerprint, "sha256:")+"  -", key.Fingerprint)
	return []byte(strings.ReplaceAll(b.String(), "\n", "\r\n"))
}
