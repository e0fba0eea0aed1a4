package billing

// PortalStore keeps portal configurations, sessions and login links.
type PortalStore interface{}
