-- Subscriptions (the billing engine adds its own tables in later migrations).
CREATE TABLE subscriptions (
	seq        INTEGER PRIMARY KEY,
	id         TEXT NOT NULL UNIQUE,
	livemode   INTEGER NOT NULL,
	created    INTEGER NOT NULL,
	customer   TEXT NOT NULL,
	status     TEXT NOT NULL,
	test_clock TEXT NOT NULL DEFAULT '',
	deleted    INTEGER NOT NULL DEFAULT 0,
	data       BLOB NOT NULL
);
CREATE INDEX subscriptions_customer ON subscriptions (customer, seq);
CREATE INDEX subscriptions_status ON subscriptions (livemode, status, seq);
CREATE INDEX subscriptions_test_clock ON subscriptions (test_clock) WHERE test_clock <> '';
