-- Drafts of no subscription due to finalize are looked up on every part of
-- a test clock advance and on every scheduler run: find them by status and
-- subscription directly, rather than walking every draft.
CREATE INDEX invoices_status_subscription ON invoices (livemode, status, subscription, seq);
