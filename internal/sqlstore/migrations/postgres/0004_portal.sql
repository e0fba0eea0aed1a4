-- The customer portal: configurations, sessions (their links' tokens only
-- as SHA-256 hashes), visits (signed-in browsers, also by cookie hash) and
-- the rate-limit counters every instance shares.
CREATE TABLE portal_configurations (
	seq        BIGSERIAL PRIMARY KEY,
	id         TEXT NOT NULL UNIQUE,
	livemode   BIGINT NOT NULL,
	created    BIGINT NOT NULL,
	active     BIGINT NOT NULL,
	is_default BIGINT NOT NULL,
	login_page TEXT,
	deleted    BIGINT NOT NULL DEFAULT 0,
	data       BYTEA NOT NULL
);
-- Exactly one default per data set: a second one cannot be written.
CREATE UNIQUE INDEX portal_configurations_default ON portal_configurations (livemode) WHERE is_default = 1;
CREATE UNIQUE INDEX portal_configurations_login_page ON portal_configurations (login_page) WHERE login_page IS NOT NULL;

CREATE TABLE portal_sessions (
	seq        BIGSERIAL PRIMARY KEY,
	id         TEXT NOT NULL UNIQUE,
	livemode   BIGINT NOT NULL,
	created    BIGINT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	customer   TEXT NOT NULL,
	opened_at  BIGINT NOT NULL DEFAULT 0,
	deleted    BIGINT NOT NULL DEFAULT 0,
	data       BYTEA NOT NULL
);

CREATE TABLE portal_visits (
	token_hash    TEXT PRIMARY KEY,
	livemode      BIGINT NOT NULL,
	session       TEXT NOT NULL,
	customer      TEXT NOT NULL,
	configuration TEXT NOT NULL,
	return_url    TEXT NOT NULL DEFAULT '',
	created       BIGINT NOT NULL,
	last_active   BIGINT NOT NULL
);

-- "window" is quoted: it is a reserved word in PostgreSQL.
CREATE TABLE rate_counters (
	key    TEXT PRIMARY KEY,
	"window" BIGINT NOT NULL,
	count  BIGINT NOT NULL
);
