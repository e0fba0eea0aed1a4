-- Uploaded files (/v1/files): the account's logo and icon. The object is
-- JSON in data, as in every object table; the bytes are in contents, read
-- only when the file is served.
CREATE TABLE files (
	seq      BIGSERIAL PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode INTEGER NOT NULL,
	created  BIGINT NOT NULL,
	purpose  TEXT NOT NULL,
	deleted  INTEGER NOT NULL DEFAULT 0,
	data     BYTEA NOT NULL,
	contents BYTEA NOT NULL
);
CREATE INDEX files_purpose ON files (livemode, purpose, seq);
