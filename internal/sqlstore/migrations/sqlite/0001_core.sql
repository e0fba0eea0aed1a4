-- Portico's core schema. Every object table keeps the object as JSON in
-- `data` (Stripe's objects are deeply nested) next to the columns that are
-- filtered, ordered or kept unique. `seq` orders lists newest first (rows
-- are never removed, only flagged deleted, so the rowid only grows without
-- AUTOINCREMENT's extra write per insert).

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- Rows are added in time order (a reused key is replaced by a new row), so
-- pruning finds the expired ones by rowid and needs no index on created.
CREATE TABLE idempotency_keys (
	livemode    INTEGER NOT NULL,
	key         TEXT NOT NULL,
	method      TEXT NOT NULL,
	path        TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	status      INTEGER NOT NULL,
	body        BLOB NOT NULL,
	created     INTEGER NOT NULL,
	PRIMARY KEY (livemode, key)
);

-- An event keeps the object (and, for updates, the object before) as the
-- domain JSON of that moment; the wire layer renders it per API version.
CREATE TABLE events (
	seq             INTEGER PRIMARY KEY,
	id              TEXT NOT NULL UNIQUE,
	livemode        INTEGER NOT NULL,
	created         INTEGER NOT NULL,
	type            TEXT NOT NULL,
	object_kind     TEXT NOT NULL,
	request_id      TEXT NOT NULL DEFAULT '',
	idempotency_key TEXT NOT NULL DEFAULT '',
	object          BLOB NOT NULL,
	previous        BLOB
);
CREATE INDEX events_type ON events (livemode, type, seq);

CREATE TABLE customers (
	seq        INTEGER PRIMARY KEY,
	id         TEXT NOT NULL UNIQUE,
	livemode   INTEGER NOT NULL,
	created    INTEGER NOT NULL,
	email      TEXT NOT NULL DEFAULT '',
	test_clock TEXT NOT NULL DEFAULT '',
	deleted    INTEGER NOT NULL DEFAULT 0,
	data       BLOB NOT NULL
);
CREATE INDEX customers_email ON customers (livemode, email, seq);
CREATE INDEX customers_test_clock ON customers (test_clock) WHERE test_clock <> '';

CREATE TABLE products (
	seq      INTEGER PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode INTEGER NOT NULL,
	created  INTEGER NOT NULL,
	active   INTEGER NOT NULL,
	deleted  INTEGER NOT NULL DEFAULT 0,
	data     BLOB NOT NULL
);

CREATE TABLE prices (
	seq        INTEGER PRIMARY KEY,
	id         TEXT NOT NULL UNIQUE,
	livemode   INTEGER NOT NULL,
	created    INTEGER NOT NULL,
	product    TEXT NOT NULL,
	active     INTEGER NOT NULL,
	currency   TEXT NOT NULL,
	type       TEXT NOT NULL,
	lookup_key TEXT,
	deleted    INTEGER NOT NULL DEFAULT 0,
	data       BLOB NOT NULL
);
CREATE INDEX prices_product ON prices (product, seq);
CREATE UNIQUE INDEX prices_lookup_key ON prices (livemode, lookup_key) WHERE lookup_key IS NOT NULL;

CREATE TABLE payment_methods (
	seq      INTEGER PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode INTEGER NOT NULL,
	created  INTEGER NOT NULL,
	customer TEXT NOT NULL DEFAULT '',
	type     TEXT NOT NULL,
	deleted  INTEGER NOT NULL DEFAULT 0,
	data     BLOB NOT NULL
);
CREATE INDEX payment_methods_customer ON payment_methods (customer, seq);

CREATE TABLE coupons (
	seq      INTEGER PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode INTEGER NOT NULL,
	created  INTEGER NOT NULL,
	deleted  INTEGER NOT NULL DEFAULT 0,
	data     BLOB NOT NULL
);

CREATE TABLE promotion_codes (
	seq         INTEGER PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	livemode    INTEGER NOT NULL,
	created     INTEGER NOT NULL,
	code        TEXT NOT NULL,
	coupon      TEXT NOT NULL,
	customer    TEXT NOT NULL DEFAULT '',
	active      INTEGER NOT NULL,
	active_code TEXT,
	deleted     INTEGER NOT NULL DEFAULT 0,
	data        BLOB NOT NULL
);
CREATE INDEX promotion_codes_code ON promotion_codes (livemode, code);
CREATE UNIQUE INDEX promotion_codes_active_code ON promotion_codes (livemode, active_code) WHERE active_code IS NOT NULL;

CREATE TABLE tax_ids (
	seq      INTEGER PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode INTEGER NOT NULL,
	created  INTEGER NOT NULL,
	customer TEXT NOT NULL,
	deleted  INTEGER NOT NULL DEFAULT 0,
	data     BLOB NOT NULL
);
CREATE INDEX tax_ids_customer ON tax_ids (customer, seq);

CREATE TABLE test_clocks (
	seq      INTEGER PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode INTEGER NOT NULL,
	created  INTEGER NOT NULL,
	deleted  INTEGER NOT NULL DEFAULT 0,
	data     BLOB NOT NULL
);
