package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/stripewire"
)

// Files: the account's logo and icon, uploaded as Stripe's SDKs upload
// files (multipart/form-data to /v1/files, on the uploads host, which for
// Portico is the same server).
func (a *API) fileRoutes() {
	a.mux.Handle("POST /v1/files", a.contract("POST /v1/files", a.createFile))
	a.handle("GET /v1/files", "list:file", a.listFiles)
	a.handle("GET /v1/files/{id}", "file", a.getFile)
	a.mux.Handle("GET /v1/files/{id}/contents", a.contract("GET /v1/files/{id}/contents", a.fileContents))
}

// maxUploadBytes bounds an upload's whole body: the largest file plus room
// for the other parts and the multipart framing.
const maxUploadBytes = billing.MaxFileSize + 64<<10

// createFile reads the multipart form (purpose, file, expand[] and
// file_link_data[create]=false; nothing else) and keeps the file. Uploads
// are not idempotent: an Idempotency-Key is ignored, as the body is too
// large to fingerprint cheaply and a repeated upload is harmless.
func (a *API) createFile(w http.ResponseWriter, r *http.Request) {
	ctx := billing.WithRequestInfo(r.Context(), billing.RequestInfo{ID: RequestID(r.Context())})
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		stripewire.WriteError(w, billing.Invalid("", "parameter_invalid", "Files are uploaded as multipart/form-data, with the file in the part named file."))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
	if err := r.ParseMultipartForm(maxUploadBytes); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			stripewire.WriteError(w, billing.Invalid("file", "file_too_large", "The file is too large: files can be at most %d bytes.", billing.MaxFileSize))
			return
		}
		stripewire.WriteError(w, billing.Invalid("", "parameter_invalid", "Could not read the multipart form."))
		return
	}
	defer r.MultipartForm.RemoveAll()
	var expand []string
	purpose := ""
	for k, vs := range r.MultipartForm.Value {
		switch {
		case k == "purpose":
			purpose = vs[0]
		case k == "expand[]" || strings.HasPrefix(k, "expand["):
			expand = append(expand, vs...)
		case k == "file_link_data[create]":
			if vs[0] == "true" {
				stripewire.WriteError(w, billing.Invalid(k, "parameter_invalid", "Portico does not make file links."))
				return
			}
		default:
			stripewire.WriteError(w, billing.Invalid(k, "parameter_unknown", "Received unknown parameter: %s", k))
			return
		}
	}
	var contents []byte
	filename := ""
	if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 {
		filename = fhs[0].Filename
		f, err := fhs[0].Open()
		if err == nil {
			contents, err = io.ReadAll(f)
			f.Close()
		}
		if err != nil {
			stripewire.WriteError(w, billing.Invalid("file", "parameter_invalid", "Could not read the file."))
			return
		}
	}
	exp, perr := stripewire.ParseExpand(expand)
	if perr == nil {
		perr = exp.Validate("file")
	}
	if perr != nil {
		stripewire.WriteError(w, perr)
		return
	}
	res := a.execute(ctx, true, exp, func(ctx context.Context) (any, error) {
		return a.svc.CreateFile(ctx, purpose, filename, contents)
	}, nil, nil)
	stripewire.WriteJSON(w, res.status, res.body)
}

func (a *API) getFile(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return a.svc.File(ctx, id) }
}

func (a *API) listFiles(r *Req) Run {
	var f billing.FileFilter
	f.Purpose, _ = r.Form.String("purpose")
	f.Created = rangeParam(r.Form, "created")
	p := page(r.Form)
	return func(ctx context.Context) (any, error) {
		l, err := a.svc.ListFiles(ctx, f, p)
		return stripewire.ListOf("/v1/files", l), err
	}
}

// fileContents serves a file's bytes (its url), to the key holder only.
func (a *API) fileContents(w http.ResponseWriter, r *http.Request) {
	f, b, err := a.svc.FileContents(r.Context(), r.PathValue("id"))
	if err != nil {
		stripewire.WriteError(w, a.clientError(r.Context(), err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", http.DetectContentType(b))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", `inline; filename="`+f.ID+"."+f.Type+`"`)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Write(b)
}
