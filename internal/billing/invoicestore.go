package billing

// InvoiceStore keeps the billing engine's invoices, invoice items, payment
// intents, charges, setup intents and applied discounts.
type InvoiceStore interface {
	SetupIntentStore

	Invoice(id string) (*Invoice, error)
	InsertInvoice(in *Invoice) error
	UpdateInvoice(in *Invoice) error
	DeleteInvoice(id string) error
	ListInvoices(f InvoiceFilter, p Page) (List[*Invoice], error)
	// ListInvoiceSummaries lists what ListInvoices lists, as summaries.
	ListInvoiceSummaries(f InvoiceFilter, p Page) (List[*InvoiceSummary], error)
	// CustomerHasPaidInvoice reports whether the customer has an invoice
	// paid with a positive amount.
	CustomerHasPaidInvoice(customer string) (bool, error)
	// ScanInvoices calls fn for every invoice, newest first, until fn
	// returns false.
	ScanInvoices(fn func(*Invoice) bool) error
	// DueDrafts returns the ids of draft invoices of no subscription on
	// clock ("" for real time) set to finalize automatically by at.
	DueDrafts(clock string, at int64) ([]string, error)

	InvoiceItem(id string) (*InvoiceItem, error)
	InsertInvoiceItem(ii *InvoiceItem) error
	UpdateInvoiceItem(ii *InvoiceItem) error
	DeleteInvoiceItem(id string) error
	ListInvoiceItems(f InvoiceItemFilter, p Page) (List[*InvoiceItem], error)
	// PendingInvoiceItems returns the customer's invoice items not yet on
	// an invoice, oldest first.
	PendingInvoiceItems(customer string) ([]*InvoiceItem, error)

	PaymentIntent(id string) (*PaymentIntent, error)
	InsertPaymentIntent(pi *PaymentIntent) error
	UpdatePaymentIntent(pi *PaymentIntent) error
	ListPaymentIntents(customer string, p Page) (List[*PaymentIntent], error)

	Charge(id string) (*Charge, error)
	InsertCharge(c *Charge) error
	ListCharges(customer string, p Page) (List[*Charge], error)

	Discount(id string) (*Discount, error)
	InsertDiscount(d *Discount) error
	UpdateDiscount(d *Discount) error
}
