package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/cluebot/cluebot/dispatch"
	"github.com/cluebot/cluebot/notify"
)

// cmdOnce runs one cycle: pull every account, route, deliver what is due.
func cmdOnce(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("once", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := startApp(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := a.Once(ctx)
	if err != nil {
		return err
	}
	ds := res.Deliver
	fmt.Fprintf(stdout, "pulled %d new clues; routed %d, unrouted %d; delivered %d alerts in %d messages",
		res.Fetched(), res.Route.Routed, res.Route.Unrouted, ds.Delivered, ds.Messages)
	if ds.Retried > 0 {
		fmt.Fprintf(stdout, "; %d queued for retry", ds.Retried)
	}
	if ds.Dead > 0 {
		fmt.Fprintf(stdout, "; %d failed for good", ds.Dead)
	}
	fmt.Fprintln(stdout)
	for _, name := range slices.Sorted(maps.Keys(ds.Errors)) {
		fmt.Fprintf(stdout, "  %s: %v\n", name, ds.Errors[name])
	}
	refused := refusedReceivers(ds.Errors)
	switch {
	case res.PullErr != nil:
		return fmt.Errorf("pull: %w", res.PullErr)
	case len(refused) > 0:
		return fmt.Errorf("%d alerts failed for good (see the log); the robots of %s refused their configuration: "+
			"they are held, their other alerts stay queued until it is fixed", ds.Dead, strings.Join(refused, ", "))
	case ds.Dead > 0:
		return fmt.Errorf("%d alerts failed for good (see the log)", ds.Dead)
	}
	return nil
}

// refusedReceivers names, sorted, the receivers whose robot refused their
// configuration in this run or earlier (held): they fail for good until an
// operator fixes them; the refused alerts are parked, the others stay queued.
func refusedReceivers(errs map[string]error) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(errs)) {
		if err := errs[name]; notify.ReceiverRefused(err) || errors.Is(err, dispatch.ErrHeld) {
			out = append(out, name)
		}
	}
	return out
}
