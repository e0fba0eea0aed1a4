// Package render holds the portal's templates and static assets, both
// embedded in the binary. Templates are parsed once at start-up, once per
// locale with that locale bound to the translation functions, so that
// templates say {{t "subs.heading"}} and {{money .Amount .Currency}}
// without knowing which language they speak. (Cloning per request, as
// miniflux does, would make html/template escape the whole page again at
// every request: a clone has not been executed yet.)
//
// Assets (one stylesheet, one script) are served under content-hashed
// names with a year-long immutable cache: a new build changes the name,
// never the content behind a name. Nothing is fetched from third parties.
package render

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/porticohq/portico/internal/locale"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/*
var staticFS embed.FS

// StaticPrefix is the path assets are served under.
const StaticPrefix = "/p/static/"

type asset struct {
	body        []byte
	contentType string
}

// Engine renders the portal's pages.
type Engine struct {
	pages  map[string]map[string]*template.Template // page -> locale code
	assets map[string]asset                         // by hashed name
	urls   map[string]string                        // plain name -> hashed URL
}

// New parses every page (a page is its own file plus layout.html and the
// shared _*.html pieces) and
// hashes the assets. It fails only on a broken build.
func New() (*Engine, error) { return newEngine(true) }

// NewUnfolded is New without folding constant translations (see fold.go):
// the reference that tests compare New's pages with.
func NewUnfolded() (*Engine, error) { return newEngine(false) }

func newEngine(fold bool) (*Engine, error) {
	e := &Engine{pages: map[string]map[string]*template.Template{}, assets: map[string]asset{}, urls: map[string]string{}}
	files, err := fs.Glob(staticFS, "static/*")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := staticFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		name := path.Base(f)
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		e.assets[hashed] = asset{body: b, contentType: mime.TypeByExtension(ext)}
		e.urls[name] = StaticPrefix + hashed
	}
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// Files named _*.html hold pieces several pages share (the card form).
	shared, err := fs.Glob(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		e.pages[name] = map[string]*template.Template{}
		files := append([]string{"templates/layout.html"}, shared...)
		files = append(files, p)
		for _, code := range locale.Codes() {
			loc := locale.Get(code)
			t, err := template.New(name).Funcs(e.funcs(loc)).ParseFS(templateFS, files...)
			if err == nil && fold {
				err = foldTranslations(t, "layout", loc)
			}
			if err != nil {
				return nil, fmt.Errorf("render: %s: %w", name, err)
			}
			e.pages[name][code] = t
		}
	}
	return e, nil
}

// funcs are the template functions, bound to loc.
func (e *Engine) funcs(loc *locale.Locale) template.FuncMap {
	return template.FuncMap{
		"t":      loc.T,
		"plural": loc.Plural,
		"money":  loc.Money,
		"date":   loc.Date,
		"number": loc.Number,
		"lang":   loc.Lang,
		"asset":  e.AssetURL,
	}
}

// AssetURL returns the hashed URL of the asset named name (app.css).
func (e *Engine) AssetURL(name string) string { return e.urls[name] }

// Render writes page name for data in loc's language to w. It renders into
// a buffer first, so a failing template leaves w untouched.
func (e *Engine) Render(w io.Writer, name string, loc *locale.Locale, data any) error {
	t, ok := e.pages[name][loc.Code]
	if !ok {
		return fmt.Errorf("render: no page %q in %s", name, loc.Code)
	}
	if buf, ok := w.(*bytes.Buffer); ok {
		// The caller buffers already (to answer with an error page should
		// rendering fail): render into its buffer, not into a second one.
		mark := buf.Len()
		if err := t.ExecuteTemplate(buf, "layout", data); err != nil {
			buf.Truncate(mark)
			return fmt.Errorf("render: %s: %w", name, err)
		}
		return nil
	}
	buf := GetBuffer()
	defer PutBuffer(buf)
	if err := t.ExecuteTemplate(buf, "layout", data); err != nil {
		return fmt.Errorf("render: %s: %w", name, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// buffers recycles page buffers: a portal page is tens of kilobytes, and
// growing a fresh buffer to that size for every request was a fifth of the
// homepage's allocations.
var buffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }}

// GetBuffer returns an empty buffer for a page; give it back with
// PutBuffer once its bytes are written.
func GetBuffer() *bytes.Buffer {
	b := buffers.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

// PutBuffer returns b to the pool, unless it grew unusually large.
func PutBuffer(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 {
		buffers.Put(b)
	}
}

// ServeAsset serves GET /p/static/{file}: only hashed names, cached for a
// year, immutable.
func (e *Engine) ServeAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := e.assets[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(a.body)
}
