package stripewire

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/porticohq/portico/internal/billing"
)

// statusByKind is the one table that maps error kinds to HTTP statuses.
var statusByKind = map[billing.ErrorKind]int{
	billing.KindInvalid:      http.StatusBadRequest,
	billing.KindUnauthorized: http.StatusUnauthorized,
	billing.KindCard:         http.StatusPaymentRequired,
	billing.KindForbidden:    http.StatusForbidden,
	billing.KindNotFound:     http.StatusNotFound,
	billing.KindConflict:     http.StatusConflict,
	billing.KindRateLimit:    http.StatusTooManyRequests,
	billing.KindInternal:     http.StatusInternalServerError,
}

// Status returns the HTTP status for err.
func Status(err *billing.Error) int {
	if s, ok := statusByKind[err.Kind]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// errorBody is Stripe's error object.
type errorBody struct {
	Type          string `json:"type"`
	Code          string `json:"code,omitempty"`
	DeclineCode   string `json:"decline_code,omitempty"`
	DocURL        string `json:"doc_url,omitempty"`
	Message       string `json:"message"`
	Param         string `json:"param,omitempty"`
	PaymentMethod any    `json:"payment_method,omitempty"`
	RequestLogURL string `json:"request_log_url,omitempty"`
}

// InternalError is the client-facing error for a failure that is not the
// client's doing. The cause is logged, never sent.
var InternalError = &billing.Error{Kind: billing.KindInternal, Type: billing.TypeAPI,
	Message: "An unexpected error occurred on Portico's side. The request may be retried; details are in the server log under this request's id."}

// ErrorJSON renders err as Stripe's error body.
func ErrorJSON(err *billing.Error) []byte {
	body := errorBody{Type: err.Type, Code: err.Code, DeclineCode: err.DeclineCode, Message: err.Message, Param: err.Param}
	if err.Code != "" {
		body.DocURL = "https://stripe.com/docs/error-codes/" + strings.ReplaceAll(err.Code, "_", "-")
	}
	if err.PaymentMethod != "" {
		body.PaymentMethod = map[string]string{"id": err.PaymentMethod, "object": "payment_method"}
	}
	b, _ := json.Marshal(struct {
		Error errorBody `json:"error"`
	}{body})
	return b
}

// WriteJSON writes a JSON response with status.
func WriteJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// WriteError writes err with its status. Retry hints follow Stripe: 409
// and 5xx may be retried; other client errors should not be.
func WriteError(w http.ResponseWriter, err *billing.Error) {
	status := Status(err)
	if status == http.StatusConflict || status >= 500 {
		w.Header().Set("Stripe-Should-Retry", "true")
	} else if status < 500 {
		w.Header().Set("Stripe-Should-Retry", "false")
	}
	WriteJSON(w, status, ErrorJSON(err))
}
