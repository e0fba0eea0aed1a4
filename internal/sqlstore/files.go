package sqlstore

import (
	"database/sql"
	"errors"

	"github.com/porticohq/portico/internal/billing"
)

// filesTable keeps uploaded files; contents is written once, with the row,
// and never read by lists.
var filesTable = &docTable{name: "files", noun: "file", cols: []string{"purpose", "contents"}}

// File returns the file with id (without its contents).
func (t *tx) File(id string) (*billing.File, error) {
	return getDoc[billing.File](t, filesTable, id, false)
}

// FileContents returns the bytes of the file with id.
func (t *tx) FileContents(id string) ([]byte, error) {
	var b []byte
	err := t.q.QueryRowContext(t.ctx, "SELECT contents FROM files WHERE id = ? AND livemode = ? AND deleted = 0", id, boolInt(t.livemode)).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, billing.ErrNotFound
	}
	return b, err
}

// InsertFile adds f with its contents.
func (t *tx) InsertFile(f *billing.File, contents []byte) error {
	return t.insert(filesTable, f.ID, f.Created, f, f.Purpose, contents)
}

// ListFiles lists files, newest first.
func (t *tx) ListFiles(f billing.FileFilter, p billing.Page) (billing.List[*billing.File], error) {
	var conds []cond
	if f.Purpose != "" {
		conds = append(conds, eq("purpose", f.Purpose))
	}
	conds = append(conds, rangeConds("created", f.Created)...)
	return listDocs[billing.File](t, filesTable, conds, p)
}
