package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	json "github.com/goccy/go-json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

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
	env, err := c.post(ctx, opList, listPath, token, body, &scrub)
	if err != nil {
		return nil, err
	}
	fail := func(err error) error {
		return &APIError{Op: opList, HTTPStatus: env.status, RequestID: string(env.RequestID), Class: ClassRetryable, Err: err}
	}
	var data listData
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return nil, fail(fmt.Errorf("%w: data is null", ErrNoPage))
	}
	if err := unmarshal(env.Data, &data); err != nil {
		return nil, fail(fmt.Errorf("decode data: %w", err))
	}
	if data.Details == nil {
		return nil, fail(fmt.Errorf("%w: details is null (total_count %d)", ErrNoPage, data.TotalCount))
	}
	details := *data.Details
	page := &ListPage{TotalCount: int(data.TotalCount), RequestID: string(env.RequestID),
		Clues: make([]Clue, 0, len(details))}
	for i, raw := range details {
		clue, err := DecodeClue(raw)
		if err != nil {
			page.Skipped++
			log.Warn("skipping a clue record", "request_id", page.RequestID, "index", i, "error", err)
			continue
		}
		clue.AdvertiserID = body.AdvertiserID
		page.Clues = append(page.Clues, clue)
	}
	return page, nil
}

// envelope is the vendor's response wrapper.
type envelope struct {
	Code      json.RawMessage `json:"code"`
	Message   Str             `json:"message"`
	RequestID Str             `json:"request_id"`
	Data      json.RawMessage `json:"data"`
	status    int
}

// post makes one call and returns the envelope of a success (2xx, code 0).
// Anything else is an *APIError, or the context's error when ctx ended.
func (c *Client) post(ctx context.Context, op, path, token string, body any, scrub *secret.Scrubber) (*envelope, error) {
	buf, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("%s: encode request: %w", op, err)
	}
	url := strings.TrimRight(c.cfg.BaseURL, "/") + path
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(buf))
	if err != nil {
		return nil, fmt.Errorf("%s: build request: %w", op, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("access-token", token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", op, ctx.Err())
		}
		class := Classify(err)
		if errors.Is(err, context.DeadlineExceeded) {
			class = ClassRetryable // ctx is live: the http client's own timeout
		}
		return nil, &APIError{Op: op, Class: class, Err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	var raw []byte
	if resp.ContentLength <= maxBody {
		raw, err = io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	}
	if resp.ContentLength > maxBody || int64(len(raw)) > maxBody {
		return nil, &APIError{Op: op, HTTPStatus: resp.StatusCode, Class: ClassPermanent, Err: ErrResponseTooLarge}
	}
	env := envelope{status: resp.StatusCode}
	if err == nil {
		err = unmarshal(raw, &env)
	}
	var code Int
	if err == nil && (len(env.Code) == 0 || string(env.Code) == "null") {
		err = errors.New("response carries no code")
	} else if err == nil {
		_ = code.UnmarshalJSON(env.Code)
	}
	status := resp.StatusCode
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: %w", op, ctx.Err())
		}
		class := ClassRetryable
		if status >= 400 && status < 500 && status != http.StatusTooManyRequests {
			class = ClassPermanent
		}
		return nil, &APIError{Op: op, HTTPStatus: status, Class: class, Err: fmt.Errorf("decode response: %w", err)}
	}
	if code != 0 || status < 200 || status > 299 {
		msg := scrub.Scrub(string(env.Message))
		return nil, &APIError{Op: op, HTTPStatus: status, Code: int(code), Message: msg,
			RequestID: string(env.RequestID), Class: classifyResponse(status, int(code), msg)}
	}
	return &env, nil
}
