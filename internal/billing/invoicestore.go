package billing

// InvoiceStore keeps the billing engine's invoices, invoice items, payment intents, setup intents and charges.
type InvoiceStore interface{}
