package fetch

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/secret"
)

// retry runs call until it succeeds or fails for good. Each attempt first
// waits on the limiter. A retryable failure is retried up to cfg.Retries
// times with jittered exponential backoff. An auth failure calls onAuth (when
// set) once and retries at once, outside the retry budget; a second auth
// failure is returned. Every failed attempt is logged at warn.
func (c *Client) retry(ctx context.Context, log *slog.Logger, call, onAuth func(context.Context) error) error {
	retries, refreshed := 0, false
	for attempt := 1; ; attempt++ {
		if err := c.limiterOrNone().Wait(ctx); err != nil {
			return fmt.Errorf("wait for rate limiter: %w", err)
		}
		err := call(ctx)
		if err == nil {
			return nil
		}
		class := Classify(err)
		attrs := append(errorAttrs(err), slog.Int("attempt", attempt), slog.String("class", class.String()))
		switch {
		case ctx.Err() != nil:
			log.Warn("kuaishou call failed; context ended", attrs...)
			return err
		case class == ClassAuth && onAuth != nil && !refreshed:
			log.Warn("kuaishou call failed; refreshing the access token", attrs...)
			refreshed = true
			if rerr := onAuth(ctx); rerr != nil {
				return fmt.Errorf("refresh after %s: %w", authSummary(err), rerr)
			}
		case class == ClassRetryable && retries < c.cfg.Retries:
			retries++
			d := c.backoff(retries)
			log.Warn("kuaishou call failed; retrying", append(attrs, slog.Duration("retry_in", d))...)
			if serr := sleepCtx(ctx, d); serr != nil {
				return fmt.Errorf("gave up retrying after %v: %w", err, serr)
			}
		default:
			log.Warn("kuaishou call failed", attrs...)
			return err
		}
	}
}

// backoff returns the wait before the given retry (1-based): RetryBackoff
// doubled per retry, capped at RetryMax, with equal jitter (between half the
// step and the whole step).
func (c *Client) backoff(retry int) time.Duration {
	d := c.cfg.RetryBackoff
	for i := 1; i < retry && d < c.cfg.RetryMax; i++ {
		d *= 2
	}
	if c.cfg.RetryMax > 0 && d > c.cfg.RetryMax {
		d = c.cfg.RetryMax
	}
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + time.Duration(c.jitter(int64(d-half)+1))
}

// sleepCtx waits d or until ctx ends, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// listOnce makes one attempt. An odd record is skipped and logged with the
// request_id, never failing the page. A code-0 answer without a page (data
// or details null or absent) fails with ErrNoPage, retryable: it is never
// an empty window, which the vendor answers with total_count 0 and an
// empty list.
func (c *Client) listOnce(ctx context.Context, log *slog.Logger, token string, body listBody) (*ListPage, error) {
	var scrub secret.Scrubber
	scrub.Add(token)
	env, err := post[listData](ctx, c, opList, listPath, token, body, &scrub)
	if err != nil {
		return nil, err
	}
	fail := func(err error) error {
		return &APIError{Op: opList, HTTPStatus: env.status, RequestID: string(env.RequestID), Class: ClassRetryable, Err: err}
	}
	data := env.Data
	switch {
	case env.dataErr != nil:
		return nil, fail(fmt.Errorf("decode data: %w", env.dataErr))
	case data == nil:
		return nil, fail(fmt.Errorf("%w: data is null", ErrNoPage))
	case data.Details == nil:
		return nil, fail(fmt.Errorf("%w: details is null (total_count %d)", ErrNoPage, data.TotalCount))
	}
	details := *data.Details
	page := &ListPage{TotalCount: int(data.TotalCount), RequestID: string(env.RequestID),
		Clues: make([]clue.Clue, 0, len(details))}
	for i, raw := range details {
		c, err := clue.Decode(raw)
		if err != nil {
			page.Skipped++
			log.Warn("skipping a clue record", "request_id", page.RequestID, "index", i, "error", err)
			continue
		}
		c.AdvertiserID = body.AdvertiserID
		page.Clues = append(page.Clues, c)
	}
	return page, nil
}
