package billing

// PortalConfigurationFilter narrows a configuration list.
type PortalConfigurationFilter struct {
	Active    *bool
	IsDefault *bool
}

// PortalStore keeps portal configurations, sessions, visits and the
// counters of rate limits.
type PortalStore interface {
	PortalConfiguration(id string) (*PortalConfiguration, error)
	// DefaultPortalConfiguration returns the data set's default
	// configuration, or ErrNotFound before one exists.
	DefaultPortalConfiguration() (*PortalConfiguration, error)
	// PortalConfigurationByLoginPage returns the configuration whose
	// enabled login page has id.
	PortalConfigurationByLoginPage(id string) (*PortalConfiguration, error)
	InsertPortalConfiguration(c *PortalConfiguration) error
	UpdatePortalConfiguration(c *PortalConfiguration) error
	ListPortalConfigurations(f PortalConfigurationFilter, p Page) (List[*PortalConfiguration], error)

	InsertPortalSession(s *PortalSession) error
	// PortalSessionByTokenHash returns the session whose token hashes to
	// hash.
	PortalSessionByTokenHash(hash string) (*PortalSession, error)
	// PortalSession returns the session with id (a visit's session, for
	// its locale and flow).
	PortalSession(id string) (*PortalSession, error)
	// MarkPortalSessionOpened records that the session's link was opened at
	// at; it reports false when it had already been opened.
	MarkPortalSessionOpened(id string, at int64) (bool, error)

	InsertPortalVisit(v *PortalVisit) error
	PortalVisit(tokenHash string) (*PortalVisit, error)
	TouchPortalVisit(tokenHash string, at int64) error
	DeletePortalVisit(tokenHash string) error

	// CountHit adds one to the counter key for the window starting at
	// window (unix seconds; a new window restarts the count) and returns
	// the count. Counters live in the store so that every instance of
	// Portico sharing it sees the same counts.
	CountHit(key string, window int64) (int64, error)
}
