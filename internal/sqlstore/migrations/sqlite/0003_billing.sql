-- The billing engine's objects: invoices, invoice items, payment intents,
-- charges and applied discounts.
CREATE TABLE invoices (
	seq          INTEGER PRIMARY KEY,
	id           TEXT NOT NULL UNIQUE,
	livemode     INTEGER NOT NULL,
	created      INTEGER NOT NULL,
	customer     TEXT NOT NULL,
	subscription TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL,
	paid_amount  INTEGER NOT NULL DEFAULT 0,
	deleted      INTEGER NOT NULL DEFAULT 0,
	data         BLOB NOT NULL
);
CREATE INDEX invoices_customer ON invoices (customer, seq);
CREATE INDEX invoices_subscription ON invoices (subscription, seq) WHERE subscription <> '';
CREATE INDEX invoices_status ON invoices (livemode, status, seq);

CREATE TABLE invoiceitems (
	seq      INTEGER PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode INTEGER NOT NULL,
	created  INTEGER NOT NULL,
	customer TEXT NOT NULL,
	invoice  TEXT NOT NULL DEFAULT '',
	deleted  INTEGER NOT NULL DEFAULT 0,
	data     BLOB NOT NULL
);
CREATE INDEX invoiceitems_customer ON invoiceitems (customer, invoice, seq);
CREATE INDEX invoiceitems_invoice ON invoiceitems (invoice, seq) WHERE invoice <> '';

CREATE TABLE payment_intents (
	seq      INTEGER PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode INTEGER NOT NULL,
	created  INTEGER NOT NULL,
	customer TEXT NOT NULL DEFAULT '',
	deleted  INTEGER NOT NULL DEFAULT 0,
	data     BLOB NOT NULL
);
CREATE INDEX payment_intents_customer ON payment_intents (customer, seq);

CREATE TABLE charges (
	seq      INTEGER PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode INTEGER NOT NULL,
	created  INTEGER NOT NULL,
	customer TEXT NOT NULL DEFAULT '',
	deleted  INTEGER NOT NULL DEFAULT 0,
	data     BLOB NOT NULL
);
CREATE INDEX charges_customer ON charges (customer, seq);

CREATE TABLE discounts (
	seq      INTEGER PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode INTEGER NOT NULL,
	created  INTEGER NOT NULL,
	deleted  INTEGER NOT NULL DEFAULT 0,
	data     BLOB NOT NULL
);

-- Which subscription an item belongs to, for /v1/subscription_items/{id}.
CREATE TABLE subscription_items (
	id           TEXT PRIMARY KEY,
	livemode     INTEGER NOT NULL,
	subscription TEXT NOT NULL
);

CREATE TABLE setup_intents (
	seq      INTEGER PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode INTEGER NOT NULL,
	created  INTEGER NOT NULL,
	customer TEXT NOT NULL DEFAULT '',
	deleted  INTEGER NOT NULL DEFAULT 0,
	data     BLOB NOT NULL
);
CREATE INDEX setup_intents_customer ON setup_intents (customer, seq);
