package render

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestAssetsAreHashedAndCachedForever(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+StaticPrefix+"{file}", e.ServeAsset)
	for _, name := range []string{"app.css", "app.js"} {
		u := e.AssetURL(name)
		if !regexp.MustCompile(`^/p/static/app\.[0-9a-f]{12}\.(css|js)$`).MatchString(u) {
			t.Fatalf("%s: URL %q", name, u)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", u, nil))
		if rec.Code != 200 || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") || rec.Body.Len() == 0 {
			t.Fatalf("%s: %d %v", u, rec.Code, rec.Header())
		}
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", StaticPrefix+"app.css", nil))
	if rec.Code != 404 {
		t.Fatalf("unhashed name: %d", rec.Code)
	}
}

// TestTemplatesHaveNoInlineCode: the Content-Security-Policy allows no
// inline scripts, styles or event handlers, so templates must not have any.
func TestTemplatesHaveNoInlineCode(t *testing.T) {
	files, _ := filepath.Glob("templates/*.html")
	bad := regexp.MustCompile(`(?i)<script>|<script [^>]*>[^<]|<style|\sstyle=|\son[a-z]+=|javascript:`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := bad.Find(b); m != nil {
			t.Errorf("%s: inline code %q", f, m)
		}
	}
}
