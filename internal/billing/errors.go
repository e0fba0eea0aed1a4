package billing

import (
	"errors"
	"fmt"
)

// ErrorKind classifies an Error for the HTTP edge, which maps each kind to a
// status code in one table. The kind is not sent to clients.
type ErrorKind int

// The kinds of Error. The HTTP edge maps them to statuses: KindInvalid 400,
// KindUnauthorized 401, KindCard 402, KindForbidden 403, KindNotFound 404,
// KindConflict 409, KindRateLimit 429, KindInternal 500.
const (
	KindInvalid ErrorKind = iota
	KindUnauthorized
	KindCard
	KindForbidden
	KindNotFound
	KindConflict
	KindRateLimit
	KindInternal
)

// Stripe's error types, the `type` field of an error body.
const (
	TypeInvalidRequest = "invalid_request_error"
	TypeCard           = "card_error"
	TypeIdempotency    = "idempotency_error"
	TypeAPI            = "api_error"
)

// Error is a failure that a client may see: it carries Stripe's error fields
// and a client-safe message. Internal failures are not Errors; the edge logs
// them and answers with a generic api_error.
type Error struct {
	Kind        ErrorKind
	Type        string
	Code        string
	Param       string
	Message     string
	DeclineCode string
	// PaymentMethod is the id of the payment method involved in a card error.
	PaymentMethod string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Param != "" {
		return fmt.Sprintf("%s (%s, param %s): %s", e.Type, e.Code, e.Param, e.Message)
	}
	return fmt.Sprintf("%s (%s): %s", e.Type, e.Code, e.Message)
}

// AsError returns err as an *Error when it is one (or wraps one). A nil
// *Error inside a non-nil error is not one: that is a bug, treated as an
// internal error by callers.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e, true
	}
	return nil, false
}

// Invalid returns a 400 invalid_request_error about param.
func Invalid(param, code, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Type: TypeInvalidRequest, Code: code, Param: param, Message: fmt.Sprintf(format, args...)}
}

// Missing returns the error for a required parameter that was not given.
func Missing(param string) *Error {
	return Invalid(param, "parameter_missing", "Missing required param: %s.", param)
}

// NoSuchParam returns the error for an id given as a parameter that names no
// object: a 400 resource_missing with param set, as Stripe answers.
func NoSuchParam(param, noun, id string) *Error {
	return Invalid(param, "resource_missing", "No such %s: '%s'", noun, id)
}

// NotFound returns the 404 resource_missing error for an id in the URL path.
func NotFound(noun, id string) *Error {
	return &Error{Kind: KindNotFound, Type: TypeInvalidRequest, Code: "resource_missing", Param: "id",
		Message: fmt.Sprintf("No such %s: '%s'", noun, id)}
}

// BadEnum returns the error for a value outside a parameter's enum; the
// message names the allowed values.
func BadEnum(param, got string, allowed ...string) *Error {
	list := ""
	for i, a := range allowed {
		if i > 0 {
			list += ", "
		}
		list += "`" + a + "`"
	}
	return Invalid(param, "parameter_invalid_string", "Invalid %s: must be one of %s (got '%s').", param, list, got)
}

// CardDeclined returns a 402 card_error.
func CardDeclined(code, declineCode, message string) *Error {
	return &Error{Kind: KindCard, Type: TypeCard, Code: code, DeclineCode: declineCode, Message: message}
}
