-- An invoice's summary (billing.InvoiceSummary: id, customer, dates,
-- status, number, currency, total) as JSON beside the whole invoice, so
-- invoice lists such as the portal's history decode a few hundred bytes per
-- invoice instead of the invoice with its lines. Rows written before this
-- migration have none; lists read their data instead, which has the same
-- JSON names.
ALTER TABLE invoices ADD COLUMN summary BYTEA;
