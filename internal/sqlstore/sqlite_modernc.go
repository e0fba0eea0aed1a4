package sqlstore

// The SQLite driver: modernc.org/sqlite, a pure-Go translation of SQLite, so
// Portico builds without cgo. See README "Storage" for the measurements
// behind the choice.

import (
	_ "modernc.org/sqlite"
)

const sqliteDriver = "sqlite"

const readOnlyPragma = "&_pragma=query_only(1)"

func sqlitePragmas(memory bool) string {
	p := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
	if !memory {
		p += "&_pragma=journal_mode(WAL)"
	}
	return p
}
