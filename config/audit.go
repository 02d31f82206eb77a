package config

import "time"

// Audit is how the audit log is anchored: signed checkpoints of its head,
// written every CheckpointInterval and at shutdown, kept in the database
// and appended to CheckpointFile when set (a place the database's owner
// cannot rewrite: an append-only mount of another host, a WORM store).
type Audit struct {
	CheckpointInterval time.Duration
	CheckpointFile     string // "" keeps the checkpoints in the database only
}

// DefaultCheckpointInterval is how often the audit log is checkpointed.
const DefaultCheckpointInterval = 15 * time.Minute

func (d *decoder) audit(sec field, a *Audit) {
	fs, ok := d.fields(sec.val, sec.path, "checkpoint_interval", "checkpoint_file")
	if !ok {
		return
	}
	scalar(d, fs["checkpoint_interval"], &a.CheckpointInterval, parseDuration)
	scalar(d, fs["checkpoint_file"], &a.CheckpointFile, nonEmpty)
}
