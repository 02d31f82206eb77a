package config

import _ "embed"

// Demo is the demo scenario's config. It needs Vars for DEMO_FEED_URL,
// DATA_DIR, LISTEN, OP_START, OP_END, OP2_START and OP2_END (times in
// RFC 3339), so the caller can point it at a local feed and place the
// operations relative to now.
//
//go:embed demo.yaml
var Demo []byte
