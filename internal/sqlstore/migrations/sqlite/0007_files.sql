-- Uploaded files (/v1/files): the account's logo and icon. The object is
-- JSON in data, as in every object table; the bytes are in contents, read
-- only when the file is served.
CREATE TABLE files (
	seq      INTEGER PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	livemode INTEGER NOT NULL,
	created  INTEGER NOT NULL,
	purpose  TEXT NOT NULL,
	deleted  INTEGER NOT NULL DEFAULT 0,
	data     BLOB NOT NULL,
	contents BLOB NOT NULL
);
CREATE INDEX files_purpose ON files (livemode, purpose, seq);
