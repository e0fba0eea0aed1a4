package app

import (
	"context"
	"net/http"
	"sync"

	"github.com/porticohq/portico/internal/billing"
	"github.com/porticohq/portico/internal/hosted"
	"github.com/porticohq/portico/internal/service"
)

// The billing engine's parts of a running Portico: its pages (the hosted
// invoice page with the invoice PDF, the 3-D Secure test page) and its
// background work (the scheduler, which renews subscriptions on real time;
// test clocks advance through the ClockRunner).

const settingHostedKey = "hosted_page_key"

func (a *App) mountBillingPages(mux *http.ServeMux) {
	var key []byte
	err := a.Store.Update(context.Background(), func(tx billing.Tx) error {
		var err error
		key, err = setting(tx, settingHostedKey, func() string { return randomHex(32) })
		return err
	})
	if err != nil {
		a.cfg.Logger.Error("hosted page key", "error", err)
		return
	}
	hosted.New(a.Service, a.cfg.Logger, key).Mount(mux)
}

// billingSchedulers holds the running scheduler of each App (the App
// struct belongs to the foundation; its billing state lives here).
var billingSchedulers sync.Map // *App → *service.Scheduler

func (a *App) startBilling() {
	sc := service.NewScheduler(a.Service, a.cfg.Logger)
	sc.Start()
	billingSchedulers.Store(a, sc)
}

func (a *App) stopBilling() {
	if sc, ok := billingSchedulers.LoadAndDelete(a); ok {
		sc.(*service.Scheduler).Stop()
	}
}
