package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/porticohq/portico/internal/testenv"
)

// buildPortico compiles the command once per test binary run.
var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func portico(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "portico-bin")
		if err != nil {
			buildErr = err
			return
		}
		binDir = dir
		binPath = filepath.Join(dir, "portico")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// server is a portico process under test.
type server struct {
	cmd    *exec.Cmd
	url    string
	stdout *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the process's output goroutine and
// the test reading it at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs `portico args...` and waits until it answers.
func startServer(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(portico(t), append(args, "--addr", addr)...)
	cmd.Env = append(os.Environ(), env...)
	out := &syncBuffer{}
	cmd.Stdout = out
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, url: "http://" + addr, stdout: out}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(2 * time.Minute)
	for {
		res, err := http.Get(s.url + "/healthz")
		if err == nil {
			res.Body.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("portico did not start: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func post(key, u string, form url.Values) (int, string, error) {
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), nil
}

var idRE = regexp.MustCompile(`"id":"(cus_[A-Za-z0-9]+)"`)

// TestKillNineLosesNothingAcknowledged writes customers from many clients,
// kills the server with SIGKILL mid-stream, restarts it on the same
// database and checks that every customer whose creation was answered 200
// is there.
func TestKillNineLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	db := testenv.DB(t)
	key := "sk_test_" + strings.Repeat("k", 32)
	env := []string{"PORTICO_SECRET_KEY=" + key, "PORTICO_LOG_LEVEL=error"}
	s := startServer(t, env, "serve", "--db", db)

	var mu sync.Mutex
	var acked []string
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				status, body, err := post(key, s.url+"/v1/customers", url.Values{"email": {fmt.Sprintf("w%d-%d@example.com", w, i)}})
				if err != nil {
					return // the server is gone
				}
				if status == 200 {
					m := idRE.FindStringSubmatch(body)
					mu.Lock()
					acked = append(acked, m[1])
					mu.Unlock()
				}
			}
		}(w)
	}
	// Kill once a good number of writes has been acknowledged.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	s.cmd.Wait()
	cancel()
	wg.Wait()
	if len(acked) < 300 {
		t.Fatalf("only %d writes acknowledged before the deadline", len(acked))
	}

	s2 := startServer(t, env, "serve", "--db", db)
	for _, id := range acked {
		req, _ := http.NewRequest("GET", s2.url+"/v1/customers/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("acknowledged customer %s lost after SIGKILL (status %d)", id, res.StatusCode)
		}
	}
	t.Logf("%d acknowledged customers all present after SIGKILL and restart", len(acked))
}

// TestDevModePrintsKeyAndCurl checks what a person sees on `go run
// ./cmd/portico`: a key, a working curl command, and (on the first start)
// demo data.
func TestDevModePrintsKeyAndCurl(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	s := startServer(t, []string{"PORTICO_LOG_LEVEL=error"}, "--db", testenv.DB(t))
	var key string
	deadline := time.Now().Add(2 * time.Minute)
	for key == "" && time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(s.stdout.String()))
		for sc.Scan() {
			if m := regexp.MustCompile(`curl (\S+) -u (sk_test_[A-Za-z0-9]+):`).FindStringSubmatch(sc.Text()); m != nil {
				key = m[2]
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if key == "" {
		t.Fatalf("no curl command with a key in:\n%s", s.stdout.String())
	}
	status, body, err := post(key, s.url+"/v1/customers", url.Values{"email": {"jenny@example.com"}})
	if err != nil || status != 200 {
		t.Fatalf("the printed key does not work: %d %s %v", status, body, err)
	}
	// The demo data is there: the demo customer and three products.
	for path, want := range map[string]string{
		"/v1/customers?email=jenny.rosen@example.com": `"email":"jenny.rosen@example.com"`,
		"/v1/products?limit=3":                        `"name":"Business"`,
		"/v1/prices?lookup_keys[]=pro_monthly":        `"unit_amount":2900`,
	} {
		req, _ := http.NewRequest("GET", s.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(b), want) {
			t.Errorf("GET %s = %s, want it to contain %s", path, b, want)
		}
	}
	if !strings.Contains(s.stdout.String(), "Seeded demo data") {
		t.Errorf("no demo summary in:\n%s", s.stdout.String())
	}
}

func TestMigrateAndUsage(t *testing.T) {
	var out, errb bytes.Buffer
	db := testenv.DB(t)
	getenv := func(string) string { return "" }
	if err := run(context.Background(), []string{"migrate", "--db", db}, getenv, &out, &errb); err != nil {
		t.Fatalf("migrate: %v (%s)", err, errb.String())
	}
	if !strings.Contains(out.String(), "migrations applied") {
		t.Fatalf("migrate printed %q", out.String())
	}
	// Running it again is a no-op.
	if err := run(context.Background(), []string{"migrate", "--db", db}, getenv, &out, &errb); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, getenv, &out, &errb); err != errUsage {
		t.Fatalf("unknown command: %v", err)
	}
	// A database that cannot be reached is an error that does not show the
	// password.
	err := run(context.Background(), []string{"migrate", "--db", "postgres://u:secret@127.0.0.1:1/db?connect_timeout=5"}, getenv, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "connect") || strings.Contains(err.Error(), "secret") {
		t.Fatalf("unreachable postgres: %v", err)
	}
}
