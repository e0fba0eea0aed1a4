package app

import "net/http"

// The customer portal's parts of a running Portico (placeholders until they
// land): the session and login pages and the dev mailbox.

func (a *App) mountPortal(mux *http.ServeMux) {}
