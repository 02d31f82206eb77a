package evidence

import (
	"maps"
	"slices"
	"time"
)

// PackageFormat names the layout of a package; Verify refuses others.
const PackageFormat = "watchroom-evidence-package/1"

// Files of a package that SHA256SUMS does not list: the list itself and
// what verifies it.
const (
	fileSums        = "SHA256SUMS"
	fileSumsSig     = "SHA256SUMS.sig"
	fileManifest    = "manifest.json"
	fileManifestSig = "manifest.json.sig"
	filePublicKey   = "public_key.pem"
	fileReadme      = "README.txt"
)

// Manifest is a package's manifest.json.
type Manifest struct {
	Format     string            `json:"format"`
	PackageID  string            `json:"package_id"`
	CreatedAt  time.Time         `json:"created_at"`
	CreatedBy  string            `json:"created_by"`
	Tool       string            `json:"tool"`
	Case       Case              `json:"case"`
	SigningKey string            `json:"signing_key"` // fingerprint
	Exhibits   []ManifestExhibit `json:"exhibits"`
	Documents  []ManifestFile    `json:"documents"` // exhibit sheets, statement drafts, README
}

// ManifestExhibit is one exhibit in a manifest: what it is, the capture's
// provenance, its files and the head of its custody log.
type ManifestExhibit struct {
	Exhibit Exhibit        `json:"exhibit"`
	Capture Capture        `json:"capture"`
	Files   []ManifestFile `json:"files"`
	Custody ManifestLog    `json:"custody"`
}

// ManifestFile is one file of a package and its SHA-256.
type ManifestFile struct {
	Path      string `json:"path"`
	Kind      string `json:"kind"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	MediaType string `json:"media_type"`
}

// ManifestLog is where an exhibit's custody log is and how it ends.
type ManifestLog struct {
	Path    string `json:"path"`
	Entries int    `json:"entries"`
	Head    string `json:"head"` // hash of the last entry
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
