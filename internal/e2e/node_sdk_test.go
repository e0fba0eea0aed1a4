package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/testenv"
)

// TestStripeNodeSDK runs testdata/node/sdk_check.mjs: the official
// stripe-node SDK (23.x, pinned to API 2026-10-28.endive) against Portico.
// It needs node and the package installed by `npm ci` in testdata/node
// (.ci/run does both).
func TestStripeNodeSDK(t *testing.T) {
	dir, err := filepath.Abs("testdata/node")
	if err != nil {
		t.Fatal(err)
	}
	node := testenv.Node(t)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "stripe", "package.json")); err != nil {
		testenv.Missing(t, "the stripe npm package", "run `npm ci --prefix internal/e2e/testdata/node` (.ci/run does)")
	}
	e := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "sdk_check.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORTICO_URL="+e.srv.URL, "PORTICO_KEY="+e.key)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("stripe-node check failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `"ok":true`) {
		t.Fatalf("unexpected output:\n%s", out)
	}
}
