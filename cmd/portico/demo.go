package main

import (
	"context"
	"io"

	"github.com/porticohq/portico/internal/app"
)

// seedDemo fills an empty database with demo data (placeholder until the
// catalog lands).
func seedDemo(ctx context.Context, a *app.App, w io.Writer) error { return nil }
