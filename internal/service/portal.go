package service

import (
	"context"
	"errors"
	"strconv"

	"github.com/porticohq/portico/internal/billing"
)

func init() {
	loaders["billing_portal.configuration"] = func(tx billing.Tx, id string) (any, error) { return tx.PortalConfiguration(id) }
}

// PortalConfigurationParams are the parameters of creating or updating a
// portal configuration. Unset fields keep their value (or, on create, the
// default); set empty ones are cleared. The API layer has checked shapes,
// enums and lengths; the service checks what needs the store or the whole
// configuration.
type PortalConfigurationParams struct {
	Name              Field[string]
	DefaultReturnURL  Field[string]
	Headline          Field[string]
	PrivacyPolicyURL  Field[string]
	TermsOfServiceURL Field[string]

	CustomerUpdateEnabled Field[bool]
	AllowedUpdates        Field[[]string]
	InvoiceHistory        Field[bool]
	PaymentMethodUpdate   Field[bool]
	PaymentMethodConfig   Field[string]

	CancelEnabled   Field[bool]
	CancelMode      Field[string]
	CancelProration Field[string]
	ReasonEnabled   Field[bool]
	ReasonOptions   Field[[]string]

	UpdateEnabled       Field[bool]
	AllowedSubUpdates   Field[[]string]
	Products            Field[[]billing.PortalProduct]
	UpdateProration     Field[string]
	BillingCycleAnchor  Field[string]
	ScheduleConditions  Field[[]string]
	TrialUpdateBehavior Field[string]

	PauseEnabled Field[bool]

	LoginPage Field[bool]
	Active    Field[bool] // update only
	IsDefault Field[bool]
	Metadata  billing.MetadataUpdate
}

const (
	paramUpdateEnabled = "features[subscription_update][enabled]"
	paramPMEnabled     = "features[payment_method_update][enabled]"
	paramProducts      = "features[subscription_update][products]"
)

// newPortalConfiguration returns a configuration with Stripe's defaults for
// a create that sets nothing.
func newPortalConfiguration(tx billing.Tx) *billing.PortalConfiguration {
	now := tx.Now().Unix()
	c := &billing.PortalConfiguration{ID: billing.NewID("bpc"), Created: now, Updated: now, Livemode: tx.Livemode(), Active: true}
	f := &c.Features
	f.CustomerUpdate.AllowedUpdates = []string{}
	f.SubscriptionCancel.Mode = "at_period_end"
	f.SubscriptionCancel.ProrationBehavior = "none"
	f.SubscriptionCancel.CancellationReason.Options = append([]string{}, billing.PortalDefaultCancelReasons...)
	f.SubscriptionUpdate.DefaultAllowedUpdates = []string{}
	f.SubscriptionUpdate.Products = []billing.PortalProduct{}
	f.SubscriptionUpdate.ProrationBehavior = "none"
	f.SubscriptionUpdate.ScheduleConditions = []string{}
	f.SubscriptionUpdate.TrialUpdateBehavior = "end_trial"
	return c
}

// CreatePortalConfiguration creates a portal configuration. With
// IsDefault set it becomes the default, taking over from the previous one.
func (s *Service) CreatePortalConfiguration(ctx context.Context, p PortalConfigurationParams) (*billing.PortalConfiguration, error) {
	var c *billing.PortalConfiguration
	err := s.update(ctx, func(tx billing.Tx) error {
		c = newPortalConfiguration(tx)
		if p.IsDefault.Set && !p.IsDefault.Value {
			p.IsDefault = Field[bool]{}
		}
		if err := s.applyPortalConfiguration(tx, c, p); err != nil {
			return err
		}
		return savePortalConfiguration(tx, c, nil)
	})
	return c, err
}

// UpdatePortalConfiguration changes a portal configuration.
func (s *Service) UpdatePortalConfiguration(ctx context.Context, id string, p PortalConfigurationParams) (*billing.PortalConfiguration, error) {
	var c *billing.PortalConfiguration
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		if c, err = tx.PortalConfiguration(id); err != nil {
			return notFound(err, "configuration", id)
		}
		prev := clonePortalConfiguration(c)
		if err := s.applyPortalConfiguration(tx, c, p); err != nil {
			return err
		}
		c.Updated = tx.Now().Unix()
		return savePortalConfiguration(tx, c, prev)
	})
	return c, err
}

// savePortalConfiguration stores c (new when prev is nil) and records its
// event. When c becomes the default, the previous default gives it up first
// (and gets its own updated event).
func savePortalConfiguration(tx billing.Tx, c, prev *billing.PortalConfiguration) error {
	if c.IsDefault && (prev == nil || !prev.IsDefault) {
		old, err := tx.DefaultPortalConfiguration()
		switch {
		case err == nil && old.ID != c.ID:
			oldPrev := clonePortalConfiguration(old)
			old.IsDefault = false
			old.Updated = tx.Now().Unix()
			if err := tx.UpdatePortalConfiguration(old); err != nil {
				return err
			}
			if err := emit(tx, "billing_portal.configuration.updated", "billing_portal.configuration", old, oldPrev); err != nil {
				return err
			}
		case err != nil && !errors.Is(err, billing.ErrNotFound):
			return err
		}
	}
	if prev == nil {
		if err := tx.InsertPortalConfiguration(c); err != nil {
			return err
		}
		return emit(tx, "billing_portal.configuration.created", "billing_portal.configuration", c, nil)
	}
	if err := tx.UpdatePortalConfiguration(c); err != nil {
		return err
	}
	return emit(tx, "billing_portal.configuration.updated", "billing_portal.configuration", c, prev)
}

// clonePortalConfiguration copies c deeply enough that changing c's lists
// leaves the copy alone (for previous_attributes).
func clonePortalConfiguration(c *billing.PortalConfiguration) *billing.PortalConfiguration {
	cp := *c
	f := &cp.Features
	f.CustomerUpdate.AllowedUpdates = append([]string(nil), f.CustomerUpdate.AllowedUpdates...)
	f.SubscriptionCancel.CancellationReason.Options = append([]string(nil), f.SubscriptionCancel.CancellationReason.Options...)
	f.SubscriptionUpdate.DefaultAllowedUpdates = append([]string(nil), f.SubscriptionUpdate.DefaultAllowedUpdates...)
	f.SubscriptionUpdate.Products = append([]billing.PortalProduct(nil), f.SubscriptionUpdate.Products...)
	f.SubscriptionUpdate.ScheduleConditions = append([]string(nil), f.SubscriptionUpdate.ScheduleConditions...)
	return &cp
}

// applyPortalConfiguration validates p against tx and c's current state and
// applies it.
func (s *Service) applyPortalConfiguration(tx billing.Tx, c *billing.PortalConfiguration, p PortalConfigurationParams) error {
	for _, u := range []struct {
		param string
		f     Field[string]
	}{{"default_return_url", p.DefaultReturnURL}, {"business_profile[privacy_policy_url]", p.PrivacyPolicyURL}, {"business_profile[terms_of_service_url]", p.TermsOfServiceURL}} {
		if u.f.Set && u.f.Value != "" {
			if err := billing.CheckURL(u.param, u.f.Value); err != nil {
				return err
			}
		}
	}
	if p.Products.Set {
		if err := checkPortalProducts(tx, p.Products.Value); err != nil {
			return err
		}
	}
	apply(&c.Name, p.Name)
	apply(&c.DefaultReturnURL, p.DefaultReturnURL)
	apply(&c.BusinessProfile.Headline, p.Headline)
	apply(&c.BusinessProfile.PrivacyPolicyURL, p.PrivacyPolicyURL)
	apply(&c.BusinessProfile.TermsOfServiceURL, p.TermsOfServiceURL)
	f := &c.Features
	apply(&f.CustomerUpdate.Enabled, p.CustomerUpdateEnabled)
	apply(&f.CustomerUpdate.AllowedUpdates, p.AllowedUpdates)
	apply(&f.InvoiceHistory.Enabled, p.InvoiceHistory)
	apply(&f.PaymentMethodUpdate.Enabled, p.PaymentMethodUpdate)
	apply(&f.PaymentMethodUpdate.PaymentMethodConfiguration, p.PaymentMethodConfig)
	apply(&f.SubscriptionCancel.Enabled, p.CancelEnabled)
	apply(&f.SubscriptionCancel.Mode, p.CancelMode)
	apply(&f.SubscriptionCancel.ProrationBehavior, p.CancelProration)
	apply(&f.SubscriptionCancel.CancellationReason.Enabled, p.ReasonEnabled)
	apply(&f.SubscriptionCancel.CancellationReason.Options, p.ReasonOptions)
	apply(&f.SubscriptionUpdate.Enabled, p.UpdateEnabled)
	apply(&f.SubscriptionUpdate.DefaultAllowedUpdates, p.AllowedSubUpdates)
	apply(&f.SubscriptionUpdate.Products, p.Products)
	apply(&f.SubscriptionUpdate.ProrationBehavior, p.UpdateProration)
	apply(&f.SubscriptionUpdate.BillingCycleAnchor, p.BillingCycleAnchor)
	apply(&f.SubscriptionUpdate.ScheduleConditions, p.ScheduleConditions)
	apply(&f.SubscriptionUpdate.TrialUpdateBehavior, p.TrialUpdateBehavior)
	apply(&f.SubscriptionPause.Enabled, p.PauseEnabled)

	if r := f.SubscriptionCancel.CancellationReason; r.Enabled && len(r.Options) == 0 {
		return billing.Invalid("features[subscription_cancel][cancellation_reason][options]", "parameter_invalid",
			"At least one cancellation reason option is required while cancellation reasons are enabled.")
	}
	if u := f.SubscriptionUpdate; u.Enabled {
		if !f.PaymentMethodUpdate.Enabled {
			param := paramUpdateEnabled
			if p.PaymentMethodUpdate.Set && !p.UpdateEnabled.Set {
				param = paramPMEnabled
			}
			return billing.Invalid(param, "parameter_invalid", "Cannot enable subscription updates while payment method update is disabled.")
		}
		if len(u.Products) == 0 {
			return billing.Invalid(paramProducts, "parameter_missing",
				"Missing required param: %s. Subscription updates need at least one product while they are enabled.", paramProducts)
		}
		if len(u.DefaultAllowedUpdates) == 0 {
			return billing.Invalid("features[subscription_update][default_allowed_updates]", "parameter_missing",
				"Missing required param: features[subscription_update][default_allowed_updates]. Subscription updates need at least one allowed update while they are enabled.")
		}
	}
	if p.LoginPage.Set {
		switch {
		case p.LoginPage.Value && !c.LoginPage.Enabled:
			c.LoginPage = billing.PortalLoginPage{Enabled: true, ID: modePrefix(tx.Livemode()) + billing.RandomString(24)}
		case !p.LoginPage.Value:
			c.LoginPage = billing.PortalLoginPage{}
		}
	}
	if p.Active.Set {
		if !p.Active.Value && (c.IsDefault || p.IsDefault.Value) {
			return billing.Invalid("active", "parameter_invalid", "The default configuration cannot be deactivated: make another configuration the default first.")
		}
		c.Active = p.Active.Value
	}
	if p.IsDefault.Set {
		if !p.IsDefault.Value && c.IsDefault {
			return billing.Invalid("is_default", "parameter_invalid", "There must always be a default configuration: set is_default=true on another configuration instead.")
		}
		if p.IsDefault.Value && !c.Active {
			return billing.Invalid("is_default", "parameter_invalid", "An inactive configuration cannot be the default: activate it too (active=true).")
		}
		if p.IsDefault.Value {
			c.IsDefault = true
		}
	}
	md, err := p.Metadata.Apply(c.Metadata, "metadata")
	if err != nil {
		return err
	}
	c.Metadata = md
	return nil
}

// modePrefix starts the secret parts of portal URLs (tokens, login pages)
// with the data set they belong to, as Stripe's test_ links do, so a page
// knows which data set to look in without an API key.
func modePrefix(live bool) string {
	if live {
		return "live_"
	}
	return "test_"
}

// checkPortalProducts checks that every product exists and that its prices
// exist, belong to it and are recurring.
func checkPortalProducts(tx billing.Tx, products []billing.PortalProduct) error {
	if len(products) > billing.PortalMaxProducts {
		return billing.Invalid(paramProducts, "parameter_invalid", "You can list at most %d products in %s.", billing.PortalMaxProducts, paramProducts)
	}
	seen := map[string]bool{}
	for i, pp := range products {
		param := paramProducts + "[" + strconv.Itoa(i) + "]"
		if seen[pp.Product] {
			return billing.Invalid(param+"[product]", "parameter_invalid", "Product %s is listed more than once.", pp.Product)
		}
		seen[pp.Product] = true
		if _, err := tx.Product(pp.Product); err != nil {
			return noSuchParam(err, param+"[product]", "product", pp.Product)
		}
		for j, id := range pp.Prices {
			pparam := param + "[prices][" + strconv.Itoa(j) + "]"
			pr, err := tx.Price(id)
			if err != nil {
				return noSuchParam(err, pparam, "price", id)
			}
			if pr.Product != pp.Product {
				return billing.Invalid(pparam, "parameter_invalid", "Price %s does not belong to product %s.", id, pp.Product)
			}
			if pr.Type != billing.PriceRecurring {
				return billing.Invalid(pparam, "parameter_invalid", "Price %s is not a recurring price: the portal only switches subscriptions between recurring prices.", id)
			}
		}
		if q := pp.AdjustableQuantity; q.Maximum != nil && *q.Maximum < q.Minimum {
			return billing.Invalid(param+"[adjustable_quantity][maximum]", "parameter_invalid", "adjustable_quantity[maximum] must be at least adjustable_quantity[minimum].")
		}
	}
	return nil
}

// PortalConfiguration returns the configuration with id.
func (s *Service) PortalConfiguration(ctx context.Context, id string) (*billing.PortalConfiguration, error) {
	return getByID(s, ctx, "configuration", id, billing.Tx.PortalConfiguration)
}

// ListPortalConfigurations lists configurations, newest first.
func (s *Service) ListPortalConfigurations(ctx context.Context, f billing.PortalConfigurationFilter, p billing.Page) (billing.List[*billing.PortalConfiguration], error) {
	return listPage(s, ctx, func(tx billing.Tx) (billing.List[*billing.PortalConfiguration], error) {
		return tx.ListPortalConfigurations(f, p)
	})
}

// EnsureDefaultPortalConfiguration creates the default portal
// configuration of ctx's data set when there is none, and returns it.
//
// This differs from Stripe on purpose: Stripe has no default until the
// merchant saves the portal settings in its Dashboard, and sessions created
// without a configuration fail until then. Portico has no Dashboard, so a
// fresh Portico starts with a default that enables every feature that needs
// no catalog: customer details (email, address, phone, name, tax IDs),
// invoice history, payment method updates, and cancellation at period end
// with the reason survey. Subscription updates need products, so they stay
// off until products are added (dev mode's demo data adds its products).
func (s *Service) EnsureDefaultPortalConfiguration(ctx context.Context) (*billing.PortalConfiguration, error) {
	var c *billing.PortalConfiguration
	err := s.update(ctx, func(tx billing.Tx) error {
		var err error
		c, err = tx.DefaultPortalConfiguration()
		if !errors.Is(err, billing.ErrNotFound) {
			return err
		}
		c = newPortalConfiguration(tx)
		c.IsDefault = true
		f := &c.Features
		f.CustomerUpdate.Enabled = true
		f.CustomerUpdate.AllowedUpdates = []string{"email", "address", "phone", "name", "tax_id"}
		f.InvoiceHistory.Enabled = true
		f.PaymentMethodUpdate.Enabled = true
		f.SubscriptionCancel.Enabled = true
		f.SubscriptionCancel.CancellationReason.Enabled = true
		f.SubscriptionUpdate.DefaultAllowedUpdates = []string{"price", "quantity", "promotion_code"}
		f.SubscriptionUpdate.ProrationBehavior = "create_prorations"
		// No event: this is Portico starting, not a change anyone made (and
		// no webhook endpoint can exist yet to hear of it).
		return tx.InsertPortalConfiguration(c)
	})
	return c, err
}

// PortalConfigurationByLoginPage returns the active configuration whose
// enabled login page has id, or ErrPortalLinkInvalid.
func (s *Service) PortalConfigurationByLoginPage(ctx context.Context, id string) (*billing.PortalConfiguration, error) {
	var c *billing.PortalConfiguration
	err := s.view(ctx, func(tx billing.Tx) error {
		var err error
		c, err = tx.PortalConfigurationByLoginPage(id)
		if errors.Is(err, billing.ErrNotFound) || (err == nil && !c.Active) {
			return ErrPortalLinkInvalid
		}
		return err
	})
	return c, err
}
