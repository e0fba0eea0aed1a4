-- Portico's core schema. Every object table keeps the object as JSON in
-- `data` (Stripe's objects are deeply nested) next to the columns that are
-- filtered, ordered or kept unique. `seq` orders lists newest first. This is
-- the PostgreSQL twin of migrations/sqlite/0001_core.sql: the same tables,
-- with BIGSERIAL for SQLite's rowid aliases, BIGINT for INTEGER and BYTEA
-- for BLOB.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- Rows are added in time order (a reused key takes a new seq), so pruning
-- finds the expired ones by seq (SQLite's rowid) and needs no index on
-- created.
CREATE TABLE idempotency_keys (
	seq         BIGSERIAL NOT NULL,
	livemode    BIGINT NOT NULL,
	key         TEXT NOT NULL,
	method      TEXT NOT NULL,
	path        TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	status      BIGINT NOT NULL,
	body        BYTEA NOT NULL,
	created     BIGINT NOT NULL,
	PRIMARY KEY (livemode, key)
);
CREATE UNIQUE INDEX idempotency_keys_seq ON idempotency_keys (seq);

-- An event keeps the object (and, for updates, the object before) as the
-- domain JSON of that moment; the wire layer renders it per API version.
CREATE TABLE events (
	seq             BIGSERIAL PRIMARY KEY,
	id              TEXT NOT NULL UNIQUE,
	livemode        BIGINT NOT NULL,
	created         BIGINT NOT NULL,
	type            TEXT NOT NULL,
	object_kind     TEXT NOT NULL,
	request_id      TEXT NOT NULL DEFAULT '',
	idempotency_key TEXT NOT NULL DEFAULT '',
	object          BYTEA NOT NULL,
	previous        BYTEA
);
CREATE INDEX events_type ON events (livemode, type, seq);

CREATE TABLE customers (
	seq        BIGSERIAL PRIMARY KEY,
	id         TEXT NOT NULL UNIQUE,
	livemode   BIGINT NOT NULL,
	created    BIGINT NOT NULL,
	email      TEXT NOT NULL DEFAULT '',
	test_clock TEXT NOT NULL DEFAULT '',
	deleted    BIGINT NOT NULL DEFAULT 0,
	data       BYTEA NOT NULL
);
CREATE INDEX customers_email ON customers (livemode, email, seq);
CREATE INDEX customers_test_clock ON customers (test_clock) WHERE test_clock <> '';

CREATE TABLE products (
	seq      BIGSERIAL PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode BIGINT NOT NULL,
	created  BIGINT NOT NULL,
	active   BIGINT NOT NULL,
	deleted  BIGINT NOT NULL DEFAULT 0,
	data     BYTEA NOT NULL
);

CREATE TABLE prices (
	seq        BIGSERIAL PRIMARY KEY,
	id         TEXT NOT NULL UNIQUE,
	livemode   BIGINT NOT NULL,
	created    BIGINT NOT NULL,
	product    TEXT NOT NULL,
	active     BIGINT NOT NULL,
	currency   TEXT NOT NULL,
	type       TEXT NOT NULL,
	lookup_key TEXT,
	deleted    BIGINT NOT NULL DEFAULT 0,
	data       BYTEA NOT NULL
);
CREATE INDEX prices_product ON prices (product, seq);
CREATE UNIQUE INDEX prices_lookup_key ON prices (livemode, lookup_key) WHERE lookup_key IS NOT NULL;

CREATE TABLE payment_methods (
	seq      BIGSERIAL PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode BIGINT NOT NULL,
	created  BIGINT NOT NULL,
	customer TEXT NOT NULL DEFAULT '',
	type     TEXT NOT NULL,
	deleted  BIGINT NOT NULL DEFAULT 0,
	data     BYTEA NOT NULL
);
CREATE INDEX payment_methods_customer ON payment_methods (customer, seq);

CREATE TABLE coupons (
	seq      BIGSERIAL PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode BIGINT NOT NULL,
	created  BIGINT NOT NULL,
	deleted  BIGINT NOT NULL DEFAULT 0,
	data     BYTEA NOT NULL
);

CREATE TABLE promotion_codes (
	seq         BIGSERIAL PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	livemode    BIGINT NOT NULL,
	created     BIGINT NOT NULL,
	code        TEXT NOT NULL,
	coupon      TEXT NOT NULL,
	customer    TEXT NOT NULL DEFAULT '',
	active      BIGINT NOT NULL,
	active_code TEXT,
	deleted     BIGINT NOT NULL DEFAULT 0,
	data        BYTEA NOT NULL
);
CREATE INDEX promotion_codes_code ON promotion_codes (livemode, code);
CREATE UNIQUE INDEX promotion_codes_active_code ON promotion_codes (livemode, active_code) WHERE active_code IS NOT NULL;

CREATE TABLE tax_ids (
	seq      BIGSERIAL PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode BIGINT NOT NULL,
	created  BIGINT NOT NULL,
	customer TEXT NOT NULL,
	deleted  BIGINT NOT NULL DEFAULT 0,
	data     BYTEA NOT NULL
);
CREATE INDEX tax_ids_customer ON tax_ids (customer, seq);

CREATE TABLE test_clocks (
	seq      BIGSERIAL PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode BIGINT NOT NULL,
	created  BIGINT NOT NULL,
	deleted  BIGINT NOT NULL DEFAULT 0,
	data     BYTEA NOT NULL
);
