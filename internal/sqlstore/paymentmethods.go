package sqlstore

import "github.com/porticohq/portico/internal/billing"

var paymentMethodsTable = &docTable{name: "payment_methods", noun: "payment_method", cols: []string{"customer", "type"}}

// PaymentMethod returns the payment method with id.
func (t *tx) PaymentMethod(id string) (*billing.PaymentMethod, error) {
	return getShared(t, paymentMethodsTable, id, false, clonePaymentMethod)
}

// InsertPaymentMethod adds pm.
func (t *tx) InsertPaymentMethod(pm *billing.PaymentMethod) error {
	return t.insert(paymentMethodsTable, pm.ID, pm.Created, pm, pm.Customer, pm.Type)
}

// UpdatePaymentMethod stores pm.
func (t *tx) UpdatePaymentMethod(pm *billing.PaymentMethod) error {
	return t.update(paymentMethodsTable, pm.ID, pm, pm.Customer, pm.Type)
}

// ListPaymentMethods lists payment methods.
func (t *tx) ListPaymentMethods(f billing.PaymentMethodFilter, p billing.Page) (billing.List[*billing.PaymentMethod], error) {
	var cs []cond
	if f.Customer != "" {
		cs = append(cs, eq("customer", f.Customer))
	}
	if f.Type != "" {
		cs = append(cs, eq("type", f.Type))
	}
	return listColumn(t, paymentMethodsTable, "data", cs, p, paymentMethodDecodes)
}
