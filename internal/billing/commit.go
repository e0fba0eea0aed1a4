package billing

// CommittedError is a failure whose record must stay: the use case commits
// its transaction and still fails with Err. A declined payment is one: the
// failed charge, the payment intent's last_payment_error, the invoice's
// attempt and their events are kept, and the client gets the card error.
// Whoever runs the transaction (the API's request transaction, a use case
// joining it) commits on a CommittedError instead of rolling back, then
// reports Err.
type CommittedError struct{ Err error }

// Error implements the error interface.
func (e *CommittedError) Error() string { return e.Err.Error() }

// Unwrap returns Err, so AsError finds the client-facing error inside.
func (e *CommittedError) Unwrap() error { return e.Err }

// CommitThen returns err as a CommittedError: commit, then fail with err.
func CommitThen(err error) error { return &CommittedError{Err: err} }
