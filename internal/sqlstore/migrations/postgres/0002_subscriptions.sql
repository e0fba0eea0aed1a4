-- Subscriptions. next_due is when the scheduler must next look at one (0:
-- nothing due); the scheduler finds due subscriptions per test clock ('' for
-- those on real time) through subscriptions_due.
CREATE TABLE subscriptions (
	seq        BIGSERIAL PRIMARY KEY,
	id         TEXT NOT NULL UNIQUE,
	livemode   BIGINT NOT NULL,
	created    BIGINT NOT NULL,
	customer   TEXT NOT NULL,
	status     TEXT NOT NULL,
	test_clock TEXT NOT NULL DEFAULT '',
	next_due   BIGINT NOT NULL DEFAULT 0,
	deleted    BIGINT NOT NULL DEFAULT 0,
	data       BYTEA NOT NULL
);
CREATE INDEX subscriptions_customer ON subscriptions (customer, seq);
CREATE INDEX subscriptions_status ON subscriptions (livemode, status, seq);
CREATE INDEX subscriptions_test_clock ON subscriptions (test_clock) WHERE test_clock <> '';
CREATE INDEX subscriptions_due ON subscriptions (livemode, test_clock, next_due) WHERE next_due > 0;
