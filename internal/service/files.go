package service

import (
	"context"
	"net/http"

	"github.com/porticohq/portico/internal/billing"
)

// fileTypes are the formats Portico accepts, by the content type the
// bytes sniff as, with Stripe's name for each. SVG is refused: it is a
// document that can carry scripts, and the images are served to browsers
// from Portico's own origin.
var fileTypes = map[string]string{"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}

// CreateFile keeps an uploaded file (POST /v1/files): a business logo or
// icon, PNG, JPEG or GIF, at most billing.MaxFileSize bytes. The format is
// read from the bytes, never from the name or the declared type.
func (s *Service) CreateFile(ctx context.Context, purpose, filename string, contents []byte) (*billing.File, error) {
	switch {
	case purpose == "":
		return nil, billing.Missing("purpose")
	case purpose != billing.FilePurposeBusinessLogo && purpose != billing.FilePurposeBusinessIcon:
		return nil, billing.BadEnum("purpose", purpose, billing.FilePurposeBusinessIcon, billing.FilePurposeBusinessLogo)
	case len(contents) == 0:
		return nil, billing.Missing("file")
	case len(contents) > billing.MaxFileSize:
		return nil, billing.Invalid("file", "file_too_large", "The file is %d bytes; files with purpose %s can be at most %d bytes.", len(contents), purpose, billing.MaxFileSize)
	}
	typ, ok := fileTypes[http.DetectContentType(contents)]
	if !ok {
		return nil, billing.Invalid("file", "file_invalid", "The file is not a PNG, JPEG or GIF image; those are the formats accepted for %s.", purpose)
	}
	if len(filename) > 255 {
		filename = filename[:255]
	}
	var f *billing.File
	err := s.update(ctx, func(tx billing.Tx) error {
		f = &billing.File{ID: billing.NewID("file"), Created: tx.Now().Unix(), Livemode: tx.Livemode(), Purpose: purpose,
			Filename: filename, Size: int64(len(contents)), Type: typ}
		return tx.InsertFile(f, contents)
	})
	return f, err
}

// File returns a file's object (GET /v1/files/{id}).
func (s *Service) File(ctx context.Context, id string) (*billing.File, error) {
	return getByID(s, ctx, "file", id, billing.Tx.File)
}

// ListFiles lists files, newest first (GET /v1/files).
func (s *Service) ListFiles(ctx context.Context, f billing.FileFilter, p billing.Page) (billing.List[*billing.File], error) {
	return listPage(s, ctx, func(tx billing.Tx) (billing.List[*billing.File], error) { return tx.ListFiles(f, p) })
}

// FileContents returns a file and its bytes.
func (s *Service) FileContents(ctx context.Context, id string) (*billing.File, []byte, error) {
	var f *billing.File
	var b []byte
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		if f, err = tx.File(id); err != nil {
			return notFound(err, "file", id)
		}
		b, err = tx.FileContents(id)
		return err
	})
	return f, b, err
}

// BrandImage returns the bytes of a logo or icon for public pages: only
// files uploaded as business_logo or business_icon are served without a
// key, whichever data set (test or live) they belong to.
func (s *Service) BrandImage(ctx context.Context, id string) (*billing.File, []byte, error) {
	for _, live := range []bool{false, true} {
		f, b, err := s.FileContents(billing.WithLivemode(ctx, live), id)
		if err == nil {
			if f.Purpose != billing.FilePurposeBusinessLogo && f.Purpose != billing.FilePurposeBusinessIcon {
				break
			}
			return f, b, nil
		}
		if e, ok := billing.AsError(err); !ok || e.Kind != billing.KindNotFound {
			return nil, nil, err
		}
	}
	return nil, nil, billing.NotFound("file", id)
}

func init() {
	loaders["file"] = func(tx billing.Tx, id string) (any, error) { return tx.File(id) }
}
