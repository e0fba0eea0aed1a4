package stripewire

import "github.com/porticohq/portico/internal/billing"

func init() {
	RegisterRenderer(renderFile)
	RegisterExpandable("file", map[string]string{"links": ""})
	RegisterKind("file", func() any { return new(billing.File) })
}

func renderFile(r *Renderer, obj any, _ Expand) (any, bool, error) {
	if f, ok := obj.(*billing.File); ok {
		return r.file(f), true, nil
	}
	return nil, false, nil
}

type fileJSON struct {
	ID        string   `json:"id"`
	Object    string   `json:"object"`
	Created   int64    `json:"created"`
	ExpiresAt *int64   `json:"expires_at"`
	Filename  *string  `json:"filename"`
	Links     listJSON `json:"links"`
	Purpose   string   `json:"purpose"`
	Size      int64    `json:"size"`
	Title     *string  `json:"title"`
	Type      *string  `json:"type"`
	URL       string   `json:"url"`
}

// FileContentsURL is where a file's bytes are served (with the secret
// key, as Stripe's files host does).
func FileContentsURL(publicURL, id string) string { return publicURL + "/v1/files/" + id + "/contents" }

// file renders a file. Portico makes no file links: links is always an
// empty list.
func (r *Renderer) file(f *billing.File) fileJSON {
	return fileJSON{ID: f.ID, Object: "file", Created: f.Created, Filename: ns(f.Filename), Purpose: f.Purpose, Size: f.Size,
		Type: ns(f.Type), URL: FileContentsURL(r.PublicURL, f.ID),
		Links: listJSON{Object: "list", Data: []any{}, URL: "/v1/file_links?file=" + f.ID}}
}
