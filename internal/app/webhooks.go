package app

// The webhook delivery worker of a running Portico (placeholders until it
// lands).

func (a *App) startWebhooks() {}

func (a *App) stopWebhooks() {}
