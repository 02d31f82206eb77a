package store

import (
	"context"
	"fmt"
)

// migrations are applied in order, each in its own transaction; the
// schema's version is SQLite's user_version. Never edit a released step:
// append a new one.
var migrations = []string{
	// 1: the timeline spine, items, hits, annotations, people, audit.
	`
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Keys of items seen that matched nothing: enough to never look at them
-- twice, without keeping content no watch list collects.
CREATE TABLE seen (
	source TEXT NOT NULL,
	key TEXT NOT NULL,
	first_seen TEXT NOT NULL,
	PRIMARY KEY (source, key)
) WITHOUT ROWID;

CREATE TABLE items (
	id INTEGER PRIMARY KEY,
	source TEXT NOT NULL,
	key TEXT NOT NULL,
	url TEXT NOT NULL,
	author TEXT NOT NULL,
	title TEXT NOT NULL,
	text TEXT NOT NULL,
	published TEXT NOT NULL,
	found TEXT NOT NULL,
	UNIQUE (source, key)
);

CREATE TABLE hits (
	id INTEGER PRIMARY KEY,
	item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
	list TEXT NOT NULL,
	terms TEXT NOT NULL,      -- JSON array
	spans TEXT NOT NULL,      -- JSON array
	operations TEXT NOT NULL, -- ",op1,op2," for board filters
	found TEXT NOT NULL,
	UNIQUE (item_id, list)
);
CREATE INDEX hits_found ON hits(found);

CREATE TABLE annotations (
	id INTEGER PRIMARY KEY,
	hit_id INTEGER NOT NULL REFERENCES hits(id) ON DELETE CASCADE,
	author TEXT NOT NULL,
	note TEXT NOT NULL,
	tags TEXT NOT NULL,       -- JSON array
	supersedes INTEGER REFERENCES annotations(id),
	at TEXT NOT NULL
);
CREATE INDEX annotations_hit ON annotations(hit_id);
CREATE TRIGGER annotations_append_only BEFORE UPDATE ON annotations
BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;

-- AUTOINCREMENT: a seq is never reused, even after old events are pruned.
CREATE TABLE events (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	type TEXT NOT NULL,
	at TEXT NOT NULL,
	operations TEXT NOT NULL,
	data TEXT NOT NULL
);

CREATE TABLE source_health (
	source TEXT PRIMARY KEY,
	state TEXT NOT NULL,
	last_success TEXT NOT NULL,
	last_error TEXT NOT NULL,
	last_error_at TEXT NOT NULL,
	failures INTEGER NOT NULL,
	etag TEXT NOT NULL,
	last_modified TEXT NOT NULL
);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE COLLATE NOCASE,
	role TEXT NOT NULL CHECK (role IN ('admin','analyst','officer','viewer')),
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	created TEXT NOT NULL
);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created TEXT NOT NULL,
	expires TEXT NOT NULL
);

CREATE TABLE audit (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL,
	detail TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`,
	// 2: alerts: the current state of each, by fingerprint; every change
	// is also a timeline event.
	`
CREATE TABLE alerts (
	fingerprint TEXT PRIMARY KEY,
	operation TEXT NOT NULL,
	state TEXT NOT NULL,
	data TEXT NOT NULL,
	updated TEXT NOT NULL
);
CREATE INDEX alerts_state ON alerts(state);
`,
	// 3: full-text search over stored items (FTS4 is built into the
	// driver; an external-content table keeps the text once, in items).
	`
CREATE VIRTUAL TABLE items_fts USING fts4(content="items", title, text, author, tokenize=unicode61);
INSERT INTO items_fts(docid, title, text, author) SELECT id, title, text, author FROM items;
CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
	INSERT INTO items_fts(docid, title, text, author) VALUES (new.id, new.title, new.text, new.author);
END;
CREATE TRIGGER items_fts_delete BEFORE DELETE ON items BEGIN
	DELETE FROM items_fts WHERE docid = old.id;
END;
`,
	// 4: briefings. Each version is immutable: its data and the SHA-256 of
	// the document delivered (kept on disk, named by that hash).
	`
CREATE TABLE briefings (
	id INTEGER PRIMARY KEY,
	operation TEXT NOT NULL,
	version INTEGER NOT NULL,
	created TEXT NOT NULL,
	generator TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	data TEXT NOT NULL,
	UNIQUE (operation, version)
);
CREATE TRIGGER briefings_immutable BEFORE UPDATE ON briefings
BEGIN SELECT RAISE(ABORT, 'a briefing version is immutable'); END;

CREATE TABLE briefing_notes (
	operation TEXT PRIMARY KEY,
	summary TEXT NOT NULL,
	recommendations TEXT NOT NULL,
	author TEXT NOT NULL,
	updated TEXT NOT NULL
);
`,
	// 5: annotation kinds (note, ack, flag, escalate, not_relevant) and the
	// team an escalation goes to.
	`
ALTER TABLE annotations ADD COLUMN kind TEXT NOT NULL DEFAULT 'note';
ALTER TABLE annotations ADD COLUMN team TEXT NOT NULL DEFAULT '';
`,
	// 6: a user's neighbourhood team (briefings are shown to their team).
	`
ALTER TABLE users ADD COLUMN team TEXT NOT NULL DEFAULT '';
`,
	// 7: paging cursors, and the item fields of the other source kinds.
	`
ALTER TABLE source_health ADD COLUMN cursor TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN media TEXT NOT NULL DEFAULT '[]';
ALTER TABLE items ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN body_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN event_start TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN event_end TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN location TEXT NOT NULL DEFAULT '';
`,
	// 8: source health for the health board: error class, paused, and a
	// log of polls (outcome, new items) kept a week.
	`
ALTER TABLE source_health ADD COLUMN error_class TEXT NOT NULL DEFAULT '';
ALTER TABLE source_health ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
CREATE TABLE polls (
	id INTEGER PRIMARY KEY,
	source TEXT NOT NULL,
	at TEXT NOT NULL,
	outcome TEXT NOT NULL,
	new_items INTEGER NOT NULL
);
CREATE INDEX polls_source_at ON polls(source, at);
`,
	// 9: watch lists made or changed in the web. The list is kept whole as
	// JSON (doc), so a new watch-list field needs no schema change; a row
	// whose id is also in the config file overrides that entry.
	`
CREATE TABLE watchlists (
	id TEXT PRIMARY KEY,
	doc TEXT NOT NULL,
	operations TEXT NOT NULL DEFAULT '[]',
	disabled INTEGER NOT NULL DEFAULT 0,
	override INTEGER NOT NULL DEFAULT 0,
	rev INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	created TEXT NOT NULL,
	updated_by TEXT NOT NULL,
	updated TEXT NOT NULL
);
`,
	// 10: operations created or edited in the console (an edit of a config
	// operation is an override with the same id), as JSON; draft operations.
	`
CREATE TABLE operations (
	id TEXT PRIMARY KEY,
	origin TEXT NOT NULL CHECK (origin IN ('web','override')),
	data TEXT NOT NULL,
	updated TEXT NOT NULL,
	updated_by TEXT NOT NULL
);

-- draft operations proposed from calendar events and event-discovery
-- hits; one row per event (fingerprint), kept once decided so the same
-- event is never proposed again.
CREATE TABLE drafts (
	id INTEGER PRIMARY KEY,
	fingerprint TEXT NOT NULL UNIQUE,
	source TEXT NOT NULL,
	list TEXT NOT NULL,
	url TEXT NOT NULL,
	title TEXT NOT NULL,
	text TEXT NOT NULL,
	location TEXT NOT NULL,
	event_start TEXT NOT NULL,
	event_end TEXT NOT NULL,
	found TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('proposed','accepted','dismissed')),
	decided_by TEXT NOT NULL DEFAULT '',
	decided_at TEXT NOT NULL DEFAULT '',
	operation TEXT NOT NULL DEFAULT ''
);
CREATE INDEX drafts_state ON drafts(state);
`,
	// 11: alert silences made in the console, and config silences expired
	// early there (the stored end wins); state comes from the clock.
	`
CREATE TABLE silences (
	id TEXT PRIMARY KEY,
	origin TEXT NOT NULL CHECK (origin IN ('web','config')),
	matchers TEXT NOT NULL,
	start TEXT NOT NULL,
	end TEXT NOT NULL,
	reason TEXT NOT NULL,
	author TEXT NOT NULL,
	updated TEXT NOT NULL
);
`,
	// 12: evidence: captures (immutable), their artefacts (content-addressed
	// files under the blob directory), cases, exhibits (a capture in a case,
	// numbered per producer) and each capture's hash-chained custody log.
	`
CREATE TABLE evidence_captures (
	id INTEGER PRIMARY KEY,
	url TEXT NOT NULL,
	final_url TEXT NOT NULL,
	status INTEGER NOT NULL,
	ip TEXT NOT NULL,
	captured_at TEXT NOT NULL,
	captured_by TEXT NOT NULL,
	tool TEXT NOT NULL,
	hit_id INTEGER,           -- no foreign key: hits are pruned, captures are not
	operation TEXT NOT NULL,
	note TEXT NOT NULL,
	meta TEXT NOT NULL        -- JSON: the whole evidence.Capture
);
CREATE INDEX evidence_captures_at ON evidence_captures(captured_at);
CREATE INDEX evidence_captures_hit ON evidence_captures(hit_id);
CREATE TRIGGER evidence_captures_immutable BEFORE UPDATE ON evidence_captures
BEGIN SELECT RAISE(ABORT, 'evidence captures are immutable'); END;

CREATE TABLE evidence_artefacts (
	capture_id INTEGER NOT NULL REFERENCES evidence_captures(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	size INTEGER NOT NULL,
	media_type TEXT NOT NULL,
	PRIMARY KEY (capture_id, kind)
);
CREATE INDEX evidence_artefacts_sha ON evidence_artefacts(sha256);
CREATE TRIGGER evidence_artefacts_immutable BEFORE UPDATE ON evidence_artefacts
BEGIN SELECT RAISE(ABORT, 'evidence artefacts are immutable'); END;

CREATE TABLE evidence_cases (
	id INTEGER PRIMARY KEY,
	reference TEXT NOT NULL UNIQUE COLLATE NOCASE,
	officer TEXT NOT NULL,
	purpose TEXT NOT NULL,
	operation TEXT NOT NULL,
	tasking TEXT NOT NULL,
	opened_at TEXT NOT NULL,
	opened_by TEXT NOT NULL,
	closed_at TEXT NOT NULL DEFAULT '',
	closed_by TEXT NOT NULL DEFAULT ''
);
-- A closed case stays as it was closed; an open one changes only by closing.
CREATE TRIGGER evidence_cases_close_only BEFORE UPDATE ON evidence_cases
WHEN OLD.closed_at != '' OR NEW.reference IS NOT OLD.reference OR NEW.officer IS NOT OLD.officer
	OR NEW.purpose IS NOT OLD.purpose OR NEW.operation IS NOT OLD.operation OR NEW.tasking IS NOT OLD.tasking
	OR NEW.opened_at IS NOT OLD.opened_at OR NEW.opened_by IS NOT OLD.opened_by
BEGIN SELECT RAISE(ABORT, 'a case changes only by being closed, once'); END;
CREATE TRIGGER evidence_cases_kept BEFORE DELETE ON evidence_cases
BEGIN SELECT RAISE(ABORT, 'cases are not deleted'); END;

CREATE TABLE evidence_exhibits (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES evidence_cases(id),
	capture_id INTEGER NOT NULL UNIQUE REFERENCES evidence_captures(id),
	initials TEXT NOT NULL,
	number INTEGER NOT NULL,
	reference TEXT NOT NULL,
	producer TEXT NOT NULL,
	description TEXT NOT NULL,
	added_at TEXT NOT NULL,
	added_by TEXT NOT NULL,
	retention TEXT NOT NULL,
	UNIQUE (case_id, reference)
);
CREATE INDEX evidence_exhibits_case ON evidence_exhibits(case_id);
CREATE TRIGGER evidence_exhibits_fixed BEFORE UPDATE OF case_id, capture_id, initials, number, reference, producer, description, added_at, added_by ON evidence_exhibits
BEGIN SELECT RAISE(ABORT, 'only an exhibit''s retention class changes'); END;
CREATE TRIGGER evidence_exhibits_kept BEFORE DELETE ON evidence_exhibits
BEGIN SELECT RAISE(ABORT, 'exhibits are not deleted'); END;
CREATE TRIGGER evidence_captures_held BEFORE DELETE ON evidence_captures
WHEN EXISTS (SELECT 1 FROM evidence_exhibits WHERE capture_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'an exhibit''s capture is not deleted'); END;

CREATE TABLE evidence_custody (
	capture_id INTEGER NOT NULL REFERENCES evidence_captures(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	at TEXT NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	detail TEXT NOT NULL,     -- JSON object of strings
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL,
	PRIMARY KEY (capture_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER evidence_custody_append_only BEFORE UPDATE ON evidence_custody
BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;
CREATE TRIGGER evidence_custody_kept BEFORE DELETE ON evidence_custody
WHEN EXISTS (SELECT 1 FROM evidence_exhibits WHERE capture_id = OLD.capture_id)
BEGIN SELECT RAISE(ABORT, 'an exhibit''s custody log is not deleted'); END;
`,
	// 13: referrals of content to the platforms, their attributed changes
	// and what the removal checks saw
	`
CREATE TABLE referrals (
	id INTEGER PRIMARY KEY,
	platform TEXT NOT NULL,
	url TEXT NOT NULL,
	category TEXT NOT NULL,
	reference TEXT NOT NULL,
	outcome TEXT NOT NULL,
	outcome_at TEXT NOT NULL,
	note TEXT NOT NULL,
	hit_id INTEGER,           -- no foreign key: hits are pruned, referrals are not
	capture_id INTEGER,
	operation TEXT NOT NULL,
	at TEXT NOT NULL,
	by TEXT NOT NULL,
	due_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	updated_by TEXT NOT NULL,
	observed TEXT NOT NULL,
	observed_at TEXT NOT NULL,
	observed_detail TEXT NOT NULL
);
CREATE INDEX referrals_at ON referrals(at);
CREATE INDEX referrals_outcome ON referrals(outcome);
CREATE TABLE referral_changes (
	referral_id INTEGER NOT NULL REFERENCES referrals(id),
	at TEXT NOT NULL,
	by TEXT NOT NULL,
	field TEXT NOT NULL,
	old TEXT NOT NULL,
	new TEXT NOT NULL
);
CREATE INDEX referral_changes_referral ON referral_changes(referral_id);
CREATE TRIGGER referral_changes_append_only BEFORE UPDATE ON referral_changes
BEGIN SELECT RAISE(ABORT, 'referral changes are append-only'); END;
CREATE TABLE referral_observations (
	referral_id INTEGER NOT NULL REFERENCES referrals(id),
	at TEXT NOT NULL,
	observed TEXT NOT NULL,
	status INTEGER NOT NULL,
	detail TEXT NOT NULL
);
CREATE INDEX referral_observations_referral ON referral_observations(referral_id, at);
`,
	// 14: a person's board preferences (sound and desktop notification
	// per severity), JSON.
	`
CREATE TABLE user_prefs (
	user_id INTEGER PRIMARY KEY REFERENCES users(id),
	prefs TEXT NOT NULL,
	updated TEXT NOT NULL
);
`,
	// 15: tasking. Users may be requesters (anyone in the force who asks
	// the hub for help) or supervisors (who triage): SQLite cannot change
	// a CHECK, so the users table is rebuilt, keeping ids, sessions and
	// board preferences.
	// Requests keep the times the demand figures read as integers (Unix
	// nanoseconds, 0 for none) so 100,000 rows read quickly, and the whole
	// request as JSON; their history, and the intelligence products
	// (immutable versions, only "released" may change).
	`
CREATE TABLE users_new (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE COLLATE NOCASE,
	role TEXT NOT NULL CHECK (role IN ('admin','supervisor','analyst','officer','viewer','requester')),
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	created TEXT NOT NULL,
	team TEXT NOT NULL DEFAULT ''
);
INSERT INTO users_new(id, name, role, password_hash, disabled, created, team)
	SELECT id, name, role, password_hash, disabled, created, team FROM users;
CREATE TEMP TABLE sessions_kept AS SELECT token_hash, user_id, created, expires FROM sessions;
CREATE TEMP TABLE prefs_kept AS SELECT user_id, prefs, updated FROM user_prefs;
DELETE FROM user_prefs;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
INSERT INTO sessions(token_hash, user_id, created, expires) SELECT token_hash, user_id, created, expires FROM sessions_kept;
DROP TABLE sessions_kept;
INSERT INTO user_prefs(user_id, prefs, updated) SELECT user_id, prefs, updated FROM prefs_kept;
DROP TABLE prefs_kept;

CREATE TABLE requests (
	id INTEGER PRIMARY KEY,
	requester_id INTEGER NOT NULL,
	requester TEXT NOT NULL,
	state TEXT NOT NULL,
	type TEXT NOT NULL,
	team TEXT NOT NULL,
	urgency TEXT NOT NULL,
	assignee TEXT NOT NULL DEFAULT '',
	submitted INTEGER NOT NULL DEFAULT 0,
	triaged INTEGER NOT NULL DEFAULT 0,
	accepted INTEGER NOT NULL DEFAULT 0,
	completed INTEGER NOT NULL DEFAULT 0,
	due INTEGER NOT NULL DEFAULT 0,
	spans TEXT NOT NULL DEFAULT '',     -- "start:end;start:" Unix nanoseconds, end empty while open
	reopened INTEGER NOT NULL DEFAULT 0,
	decline_reason TEXT NOT NULL DEFAULT '',
	products TEXT NOT NULL DEFAULT '',  -- "kind:n,kind:n"
	intelligence INTEGER NOT NULL DEFAULT 0,
	delivered INTEGER NOT NULL DEFAULT 0,
	grading TEXT NOT NULL DEFAULT '',
	rev INTEGER NOT NULL DEFAULT 0,     -- bumped on every write: the demand rows re-read only what changed
	data TEXT NOT NULL,
	created TEXT NOT NULL,
	updated TEXT NOT NULL
);
CREATE INDEX requests_requester ON requests(requester_id, id);
CREATE INDEX requests_state ON requests(state, id);
CREATE INDEX requests_rev ON requests(rev);

CREATE TABLE request_history (
	id INTEGER PRIMARY KEY,
	request_id INTEGER NOT NULL REFERENCES requests(id),
	at TEXT NOT NULL,
	action TEXT NOT NULL,
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL,
	by TEXT NOT NULL,
	note TEXT NOT NULL,
	public INTEGER NOT NULL
);
CREATE INDEX request_history_request ON request_history(request_id, id);
CREATE TRIGGER request_history_append_only BEFORE UPDATE ON request_history
BEGIN SELECT RAISE(ABORT, 'request history is append-only'); END;

CREATE TABLE request_products (
	request_id INTEGER NOT NULL REFERENCES requests(id),
	version INTEGER NOT NULL,
	title TEXT NOT NULL,
	text TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	released INTEGER NOT NULL DEFAULT 0,
	by TEXT NOT NULL,
	at TEXT NOT NULL,
	PRIMARY KEY (request_id, version)
);
CREATE TRIGGER request_products_immutable BEFORE UPDATE OF request_id, version, title, text, sha256, by, at ON request_products
BEGIN SELECT RAISE(ABORT, 'a product version is immutable'); END;
`,
	// 16: accounts. A deleted account keeps its row (a tombstone) so what
	// the person did stays attributed to the name; must_change makes the
	// next sign-in choose a new password (after a reset); a session's
	// last_seen is its last activity, for the idle timeout.
	`
ALTER TABLE users ADD COLUMN deleted TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN last_seen TEXT NOT NULL DEFAULT '';
`,
	// 17: signed checkpoints of the audit log (head row, its hash, the
	// number of rows), append-only like the log; indexes for the audit
	// page's filters.
	`
CREATE TABLE audit_checkpoints (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	head_id INTEGER NOT NULL,
	head_hash TEXT NOT NULL,
	rows INTEGER NOT NULL,
	key TEXT NOT NULL,
	sig TEXT NOT NULL
);
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE INDEX audit_actor ON audit(actor, id);
CREATE INDEX audit_action ON audit(action, id);
CREATE INDEX audit_at ON audit(at);
`,
	// 18: full-text search moves from FTS4 to FTS5 (the driver built with
	// -tags sqlite_fts5): the same columns and tokenizer, an external-content
	// table over items again, plus prefix indexes of two and three
	// characters, so a short prefix reads one list instead of every word
	// it begins (FTS4 read them all); no column sizes (nothing ranks). The
	// old index goes first, so the new one reuses its pages. It is not
	// filled here: 21 makes it again and fills it once, and nothing
	// between deletes an item (a delete from an external-content index
	// that lacks the row would corrupt it). A database an older build left
	// at 18, 19 or 20 was filled by its own 18.
	`
DROP TRIGGER items_fts_insert;
DROP TRIGGER items_fts_delete;
DROP TABLE items_fts;
CREATE VIRTUAL TABLE items_fts USING fts5(title, text, author, content='items', content_rowid='id',
	tokenize='unicode61', prefix='2 3', columnsize=0);
CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
	INSERT INTO items_fts(rowid, title, text, author) VALUES (new.id, new.title, new.text, new.author);
END;
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
	INSERT INTO items_fts(items_fts, rowid, title, text, author) VALUES ('delete', old.id, old.title, old.text, old.author);
END;
`,
	// 19: retention by class and erasure (docs/retention.md). Officers'
	// decisions outlive the hits they were made on, so annotations lose
	// their cascading foreign keys (they are kept by their own class);
	// each briefing document on disk has a row saying when it was last
	// delivered; an erasure is recorded with what it touched, and the
	// briefing versions that quote erased items are marked.
	`
CREATE TABLE annotations_new (
	id INTEGER PRIMARY KEY,
	hit_id INTEGER NOT NULL,  -- no foreign key: a decision outlives its hit
	author TEXT NOT NULL,
	note TEXT NOT NULL,
	tags TEXT NOT NULL,
	supersedes INTEGER,
	at TEXT NOT NULL,
	kind TEXT NOT NULL DEFAULT 'note',
	team TEXT NOT NULL DEFAULT ''
);
INSERT INTO annotations_new(id, hit_id, author, note, tags, supersedes, at, kind, team)
	SELECT id, hit_id, author, note, tags, supersedes, at, kind, team FROM annotations;
DROP TABLE annotations;
ALTER TABLE annotations_new RENAME TO annotations;
CREATE INDEX annotations_hit ON annotations(hit_id);
CREATE INDEX annotations_at ON annotations(at);
CREATE TRIGGER annotations_append_only BEFORE UPDATE ON annotations
BEGIN SELECT RAISE(ABORT, 'annotations are append-only'); END;

CREATE INDEX IF NOT EXISTS items_found ON items(found);
CREATE INDEX IF NOT EXISTS items_author ON items(author);
CREATE INDEX IF NOT EXISTS events_at ON events(at);
CREATE INDEX IF NOT EXISTS seen_first ON seen(first_seen);
CREATE INDEX IF NOT EXISTS briefings_created ON briefings(created);

CREATE TABLE briefing_documents (
	sha256 TEXT PRIMARY KEY,
	last_created TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO briefing_documents(sha256, last_created)
	SELECT sha256, MAX(created) FROM briefings GROUP BY sha256;

CREATE TABLE erasures (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	by TEXT NOT NULL,
	reason TEXT NOT NULL,
	scope TEXT NOT NULL,      -- item or author
	target TEXT NOT NULL,     -- item:<id>, or a keyed hash of source and author
	items INTEGER NOT NULL,
	hits INTEGER NOT NULL,
	events INTEGER NOT NULL,
	briefings INTEGER NOT NULL
);
CREATE TRIGGER erasures_append_only BEFORE UPDATE ON erasures
BEGIN SELECT RAISE(ABORT, 'erasures are append-only'); END;
CREATE TABLE briefing_erasures (
	briefing_id INTEGER NOT NULL,
	erasure_id INTEGER NOT NULL REFERENCES erasures(id),
	PRIMARY KEY (briefing_id, erasure_id)
) WITHOUT ROWID;
`,
	// 20: the audit log's own retention: each removal of its oldest rows
	// is kept (append-only) with the last row removed, its hash and time,
	// and how many went, so a verifier tells it from a truncation.
	`
CREATE TABLE audit_prunes (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	older_than TEXT NOT NULL,   -- the class, a Go duration
	through_id INTEGER NOT NULL,
	through_hash TEXT NOT NULL,
	through_at TEXT NOT NULL,
	rows INTEGER NOT NULL
);
CREATE TRIGGER audit_prunes_no_update BEFORE UPDATE ON audit_prunes
BEGIN SELECT RAISE(ABORT, 'audit prunes are append-only'); END;
CREATE TRIGGER audit_prunes_no_delete BEFORE DELETE ON audit_prunes
BEGIN SELECT RAISE(ABORT, 'audit prunes are append-only'); END;
`,
	// 21: the FTS5 index again, with prefix indexes of four and five
	// characters too: every word typed is a prefix, and FTS5 merges the
	// whole lists of a prefix it has no index for before reading the
	// newest, so a common four-letter word ("that") cost as much as on
	// FTS4. The triggers of 18 stay: the table keeps its name. The
	// rebuild fills the index whatever 18 left in it.
	`
DROP TABLE items_fts;
CREATE VIRTUAL TABLE items_fts USING fts5(title, text, author, content='items', content_rowid='id',
	tokenize='unicode61', prefix='2 3 4 5', columnsize=0);
INSERT INTO items_fts(items_fts) VALUES ('rebuild');
`,
	// 22: an author erased may also be kept from being collected again:
	// their posts are then recognised and dropped before they are stored.
	// The author is named only by the erasure's keyed hash.
	`
CREATE TABLE suppressions (
	target TEXT PRIMARY KEY,   -- author:<keyed hash of source and author>, as the erasure names it
	source TEXT NOT NULL,      -- '' for every source
	at TEXT NOT NULL,
	by TEXT NOT NULL,
	reason TEXT NOT NULL,
	erasure_id INTEGER NOT NULL
) WITHOUT ROWID;
`,
}

// migrate brings the schema to version to (len(migrations) but in the
// tests that make a database as an older build left it).
func (s *Store) migrate(ctx context.Context, to int) error {
	var version int
	if err := s.w.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("database schema version %d is newer than this build knows (%d)", version, len(migrations))
	}
	for i := version; i < to; i++ {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, i+1)); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		s.log.Info("migrated", "version", i+1)
	}
	return nil
}

// SchemaVersion is the schema version this build migrates a database to.
func SchemaVersion() int { return len(migrations) }
