package api

import (
	"context"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/service"
	"github.com/porticohq/portico/internal/stripewire"
)

func (a *API) subscriptionItemRoutes() {
	a.handle("POST /v1/subscription_items", "subscription_item", a.createSubscriptionItem)
	a.handle("GET /v1/subscription_items", "list:subscription_item", a.listSubscriptionItems)
	a.handle("GET /v1/subscription_items/{id}", "subscription_item", a.getSubscriptionItem)
	a.handle("POST /v1/subscription_items/{id}", "subscription_item", a.updateSubscriptionItem)
	a.handle("DELETE /v1/subscription_items/{id}", "deleted", a.deleteSubscriptionItem)
}

func itemChange(f *stripewire.Form) service.ItemChange {
	var ch service.ItemChange
	ch.Item.Price, _ = f.NonEmptyString("price")
	if q, ok := f.Int("quantity"); ok {
		ch.Item.Quantity = service.Set(q)
	}
	ch.Item.Metadata = f.Metadata("metadata")
	ch.ProrationBehavior, _ = f.Enum("proration_behavior", "create_prorations", "always_invoice", "none")
	if v, ok := f.Int("proration_date"); ok {
		ch.ProrationDate = service.Set(v)
	}
	ch.PaymentBehavior, _ = f.Enum("payment_behavior", "allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete")
	if f.Has("clear_usage") {
		f.Bool("clear_usage")
	}
	return ch
}

func itemRef(it service.SubscriptionItem, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return stripewire.SubscriptionItemRef{Sub: it.Sub, Item: it.Item}, nil
}

func (a *API) createSubscriptionItem(r *Req) Run {
	ch := itemChange(r.Form)
	ch.Subscription = r.Form.RequiredString("subscription")
	return func(ctx context.Context) (any, error) { return itemRef(a.svc.CreateSubscriptionItem(ctx, ch)) }
}

func (a *API) getSubscriptionItem(r *Req) Run {
	id := r.PathValue("id")
	return func(ctx context.Context) (any, error) { return itemRef(a.svc.SubscriptionItem(ctx, id)) }
}

func (a *API) updateSubscriptionItem(r *Req) Run {
	id := r.PathValue("id")
	ch := itemChange(r.Form)
	return func(ctx context.Context) (any, error) { return itemRef(a.svc.UpdateSubscriptionItem(ctx, id, ch)) }
}

func (a *API) deleteSubscriptionItem(r *Req) Run {
	id := r.PathValue("id")
	ch := itemChange(r.Form)
	return func(ctx context.Context) (any, error) {
		if err := a.svc.DeleteSubscriptionItem(ctx, id, ch); err != nil {
			return nil, err
		}
		return stripewire.Deleted{ID: id, Object: "subscription_item"}, nil
	}
}

func (a *API) listSubscriptionItems(r *Req) Run {
	subID := r.Form.RequiredString("subscription")
	page(r.Form)
	return func(ctx context.Context) (any, error) {
		sub, err := a.svc.Subscription(ctx, subID)
		if err != nil {
			if e, ok := billing.AsError(err); ok && e.Kind == billing.KindNotFound {
				return nil, billing.NoSuchParam("subscription", "subscription", subID)
			}
			return nil, err
		}
		out := stripewire.ListResult{URL: "/v1/subscription_items"}
		for i := range sub.Items {
			out.Data = append(out.Data, stripewire.SubscriptionItemRef{Sub: sub, Item: &sub.Items[i]})
		}
		return out, nil
	}
}
