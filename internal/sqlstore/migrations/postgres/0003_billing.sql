-- The billing engine's objects: invoices, invoice items, payment intents,
-- charges and applied discounts.
CREATE TABLE invoices (
	seq          BIGSERIAL PRIMARY KEY,
	id           TEXT NOT NULL UNIQUE,
	livemode     BIGINT NOT NULL,
	created      BIGINT NOT NULL,
	customer     TEXT NOT NULL,
	subscription TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL,
	paid_amount  BIGINT NOT NULL DEFAULT 0,
	deleted      BIGINT NOT NULL DEFAULT 0,
	data         BYTEA NOT NULL
);
CREATE INDEX invoices_customer ON invoices (customer, seq);
CREATE INDEX invoices_subscription ON invoices (subscription, seq) WHERE subscription <> '';
CREATE INDEX invoices_status ON invoices (livemode, status, seq);

CREATE TABLE invoiceitems (
	seq      BIGSERIAL PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode BIGINT NOT NULL,
	created  BIGINT NOT NULL,
	customer TEXT NOT NULL,
	invoice  TEXT NOT NULL DEFAULT '',
	deleted  BIGINT NOT NULL DEFAULT 0,
	data     BYTEA NOT NULL
);
CREATE INDEX invoiceitems_customer ON invoiceitems (customer, invoice, seq);
CREATE INDEX invoiceitems_invoice ON invoiceitems (invoice, seq) WHERE invoice <> '';

CREATE TABLE payment_intents (
	seq      BIGSERIAL PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode BIGINT NOT NULL,
	created  BIGINT NOT NULL,
	customer TEXT NOT NULL DEFAULT '',
	deleted  BIGINT NOT NULL DEFAULT 0,
	data     BYTEA NOT NULL
);
CREATE INDEX payment_intents_customer ON payment_intents (customer, seq);

CREATE TABLE charges (
	seq      BIGSERIAL PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode BIGINT NOT NULL,
	created  BIGINT NOT NULL,
	customer TEXT NOT NULL DEFAULT '',
	deleted  BIGINT NOT NULL DEFAULT 0,
	data     BYTEA NOT NULL
);
CREATE INDEX charges_customer ON charges (customer, seq);

CREATE TABLE discounts (
	seq      BIGSERIAL PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode BIGINT NOT NULL,
	created  BIGINT NOT NULL,
	deleted  BIGINT NOT NULL DEFAULT 0,
	data     BYTEA NOT NULL
);

-- Which subscription an item belongs to, for /v1/subscription_items/{id}.
CREATE TABLE subscription_items (
	id           TEXT PRIMARY KEY,
	livemode     BIGINT NOT NULL,
	subscription TEXT NOT NULL
);

CREATE TABLE setup_intents (
	seq      BIGSERIAL PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode BIGINT NOT NULL,
	created  BIGINT NOT NULL,
	customer TEXT NOT NULL DEFAULT '',
	deleted  BIGINT NOT NULL DEFAULT 0,
	data     BYTEA NOT NULL
);
CREATE INDEX setup_intents_customer ON setup_intents (customer, seq);
