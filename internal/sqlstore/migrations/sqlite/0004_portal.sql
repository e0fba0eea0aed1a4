-- The customer portal: configurations, sessions (their links' tokens only
-- as SHA-256 hashes), visits (signed-in browsers, also by cookie hash) and
-- the rate-limit counters every instance shares.
CREATE TABLE portal_configurations (
	seq        INTEGER PRIMARY KEY,
	id         TEXT NOT NULL UNIQUE,
	livemode   INTEGER NOT NULL,
	created    INTEGER NOT NULL,
	active     INTEGER NOT NULL,
	is_default INTEGER NOT NULL,
	login_page TEXT,
	deleted    INTEGER NOT NULL DEFAULT 0,
	data       BLOB NOT NULL
);
-- Exactly one default per data set: a second one cannot be written.
CREATE UNIQUE INDEX portal_configurations_default ON portal_configurations (livemode) WHERE is_default = 1;
CREATE UNIQUE INDEX portal_configurations_login_page ON portal_configurations (login_page) WHERE login_page IS NOT NULL;

CREATE TABLE portal_sessions (
	seq        INTEGER PRIMARY KEY,
	id         TEXT NOT NULL UNIQUE,
	livemode   INTEGER NOT NULL,
	created    INTEGER NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	customer   TEXT NOT NULL,
	opened_at  INTEGER NOT NULL DEFAULT 0,
	deleted    INTEGER NOT NULL DEFAULT 0,
	data       BLOB NOT NULL
);

CREATE TABLE portal_visits (
	token_hash    TEXT PRIMARY KEY,
	livemode      INTEGER NOT NULL,
	session       TEXT NOT NULL,
	customer      TEXT NOT NULL,
	configuration TEXT NOT NULL,
	return_url    TEXT NOT NULL DEFAULT '',
	created       INTEGER NOT NULL,
	last_active   INTEGER NOT NULL
);

CREATE TABLE rate_counters (
	key    TEXT PRIMARY KEY,
	window INTEGER NOT NULL,
	count  INTEGER NOT NULL
);
