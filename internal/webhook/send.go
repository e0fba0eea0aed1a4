package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/stripewire"
)

// responseLimit is how much of a response body is read (and kept, for
// `portico deliveries`); the rest is never read.
const responseLimit = 1024

// userAgent is Stripe's, which some receivers check.
const userAgent = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"

// Sign returns the Stripe-Signature header for body sent at t: t=<unix
// seconds>,v1=<hex HMAC-SHA256 of "t.body" keyed by the whsec_ string>.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// attempt makes one delivery attempt; ok is false when the worker is
// stopping (the outcome is then unknown and not recorded) or the claim has
// run out (another claim will make the attempt).
func (w *Worker) attempt(j *job) (billing.DeliveryResult, bool) {
	start := w.cfg.Clock.Now()
	if start.UnixMilli() >= j.d.NextAttempt {
		return billing.DeliveryResult{}, false // the lease expired while queued
	}
	res := billing.DeliveryResult{Endpoint: j.ep.ID, Attempt: billing.DeliveryAttempt{Delivery: j.d.Seq, Attempted: start.UnixMilli()}}
	status, snippet, err := w.post(j)
	if w.ctx.Err() != nil {
		return res, false
	}
	res.Attempt.DurationMS = w.cfg.Clock.Now().Sub(start).Milliseconds()
	res.Attempt.Status = status
	res.Attempt.Response = snippet
	if err != nil {
		res.Attempt.Error = err.Error()
	}
	if err == nil && status >= 200 && status < 300 {
		res.Succeeded = true
		return res, true
	}
	// Not delivered: due again after the backoff, unless that is past the
	// retry window.
	n := j.d.Attempts + 1
	next := start.Add(w.backoff(n))
	if next.UnixMilli()-j.d.Created <= w.scaled(w.cfg.RetryFor).Milliseconds() {
		res.NextAttempt = next.UnixMilli()
	}
	return res, true
}

// post sends the event signed for j's endpoint and returns the response
// status and the start of its body.
func (w *Worker) post(j *job) (int, string, error) {
	var ev *billing.EventRecord
	err := w.cfg.Store.View(w.ctx, func(tx billing.Tx) error {
		var err error
		ev, err = tx.DeliveryEvent(j.d.Event)
		return err
	})
	if err != nil {
		return 0, "", errors.New("reading the event: " + err.Error())
	}
	version := j.ep.APIVersion
	if version == "" {
		version = stripewire.DefaultVersion
	}
	out, err := stripewire.RenderEvent(billing.WithLivemode(w.ctx, ev.Livemode), ev, stripewire.ParseVersion(version), w.cfg.Loader)
	if err != nil {
		w.cfg.Logger.Error("webhook worker: rendering an event", "event", ev.ID, "error", err)
		return 0, "", errors.New("rendering the event failed")
	}
	body, err := json.Marshal(out)
	if err != nil {
		return 0, "", err
	}
	ctx, cancel := context.WithTimeout(w.ctx, w.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.ep.URL, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Cache-Control", "no-cache")
	req.Header.Set("Accept", "*/*; q=0.5, application/xml")
	// The signature's time is the wall clock's, whatever clock the events
	// follow: SDKs reject signatures more than five minutes old.
	req.Header.Set("Stripe-Signature", Sign(j.ep.Secret, time.Now(), body))
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, "", describe(err, ctx)
	}
	defer resp.Body.Close()
	buf, err := io.ReadAll(io.LimitReader(resp.Body, responseLimit))
	snippet := snippetOf(buf)
	if err != nil && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, snippet, describe(err, ctx)
	}
	return resp.StatusCode, snippet, nil
}

// describe turns a transport error into a short reason for the attempt log.
func describe(err error, ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return errors.New("timed out")
	}
	var blocked *blockedError
	if errors.As(err, &blocked) {
		return blocked
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && len(msg) > 200 {
		msg = msg[i+2:]
	}
	return errors.New(msg)
}

// snippetOf keeps the start of a response as valid UTF-8 text.
func snippetOf(b []byte) string {
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
