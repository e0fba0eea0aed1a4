-- Webhook endpoints and the delivery outbox. One webhook_deliveries row is
-- written per (event, matching enabled endpoint) in the transaction that
-- records the event; the delivery worker claims due rows, so the table is
-- the queue and a crash or restart loses nothing.

CREATE TABLE webhook_endpoints (
	seq           BIGSERIAL PRIMARY KEY,
	id            TEXT NOT NULL UNIQUE,
	livemode      BIGINT NOT NULL,
	created       BIGINT NOT NULL,
	status        TEXT NOT NULL,
	-- enabled_events joined as ",a,b," (",*," for every event), so matching
	-- an event type is one substring test per endpoint.
	events        TEXT NOT NULL,
	-- When the current run of failed deliveries began (unix seconds), 0
	-- while deliveries succeed; long runs disable the endpoint.
	failing_since BIGINT NOT NULL DEFAULT 0,
	deleted       BIGINT NOT NULL DEFAULT 0,
	data          BYTEA NOT NULL
);
CREATE INDEX webhook_endpoints_enabled ON webhook_endpoints (livemode, status) WHERE deleted = 0;

-- state: 0 pending, 1 succeeded, 2 failed (retries exhausted or endpoint
-- deleted). next_attempt (unix ms) is when a pending row is due; claiming a
-- row moves it to the end of the claim's lease, so the claims of a worker
-- that dies expire on their own.
CREATE TABLE webhook_deliveries (
	seq          BIGSERIAL PRIMARY KEY,
	event        BIGINT NOT NULL, -- events.seq
	endpoint     TEXT NOT NULL,
	livemode     BIGINT NOT NULL,
	created      BIGINT NOT NULL, -- unix ms
	state        BIGINT NOT NULL DEFAULT 0,
	attempts     BIGINT NOT NULL DEFAULT 0,
	next_attempt BIGINT NOT NULL,
	claimed_by   TEXT NOT NULL DEFAULT '',
	last_status  BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries (event, endpoint);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (endpoint, state, next_attempt);

-- Every attempt, with the start of the response, for `portico deliveries`.
CREATE TABLE webhook_attempts (
	seq         BIGSERIAL PRIMARY KEY,
	delivery    BIGINT NOT NULL, -- webhook_deliveries.seq
	attempted   BIGINT NOT NULL, -- unix ms
	duration_ms BIGINT NOT NULL,
	status      BIGINT NOT NULL, -- HTTP status, 0 without a response
	error       TEXT NOT NULL DEFAULT '',
	response    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery);
