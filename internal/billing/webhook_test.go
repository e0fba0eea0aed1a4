package billing

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func TestValidateWebhookURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://example.com/hooks": true, "http://localhost:4000/x?y=1": true, "http://[::1]:80/": true,
		"": false, "ftp://example.com": false, "example.com/hooks": false, "https://": false, "/relative": false,
		"https://user:pw@example.com/": false, "https://example.com/#frag": false, "javascript:alert(1)": false,
	} {
		if err := ValidateWebhookURL("url", raw); (err == nil) != ok {
			t.Errorf("ValidateWebhookURL(%q) = %v, want ok=%v", raw, err, ok)
		}
	}
}

func TestValidateEnabledEvents(t *testing.T) {
	for _, tc := range []struct {
		events []string
		param  string
	}{
		{[]string{"*"}, ""},
		{[]string{"customer.created", "invoice.paid"}, ""},
		{nil, "enabled_events"},
		{[]string{"customer.created", "nope"}, "enabled_events[1]"},
		{[]string{"customer.*"}, "enabled_events[0]"},
		{[]string{"customer.created", "*"}, "enabled_events[1]"},
	} {
		err := ValidateEnabledEvents("enabled_events", tc.events)
		switch {
		case tc.param == "" && err != nil:
			t.Errorf("%v: %v", tc.events, err)
		case tc.param != "" && (err == nil || err.Param != tc.param):
			t.Errorf("%v: %v, want an error on %s", tc.events, err, tc.param)
		}
	}
	if !ValidAPIVersion("2026-03-25.dahlia") || !ValidAPIVersion("2019-12-03") || ValidAPIVersion("dahlia") || ValidAPIVersion("2026-03-25.") {
		t.Error("ValidAPIVersion")
	}
}

// TestEveryEmittedTypeCanBeSubscribed reads the service's emit calls: an
// event type Portico records but EventTypes lacks could never be chosen in
// enabled_events.
func TestEveryEmittedTypeCanBeSubscribed(t *testing.T) {
	files, err := filepath.Glob("../service/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("service sources: %v", err)
	}
	re := regexp.MustCompile(`emit\(tx, "([a-z_.]+)",`) // literal types only
	n := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(src, -1) {
			n++
			if !KnownEventType(string(m[1])) {
				t.Errorf("%s emits %s, which is not in EventTypes", filepath.Base(f), m[1])
			}
		}
	}
	if n < 10 {
		t.Fatalf("found only %d emit calls", n)
	}
}
