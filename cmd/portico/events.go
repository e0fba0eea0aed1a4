package main

import (
	"context"
	"errors"
	"io"
)

// runEvents is `portico events` (placeholder until the webhooks work lands).
func runEvents(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errors.New("portico events: not available yet")
}

// runDeliveries is `portico deliveries` (placeholder until the webhooks work
// lands).
func runDeliveries(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return errors.New("portico deliveries: not available yet")
}
