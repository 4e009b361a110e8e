// Package fetch is the Kuaishou clue-list API client: access tokens, the
// signed list call with its retries and error classes, paging, time windows
// and the sync of every account into the store. The records it pulls are the
// clue package's model.
package fetch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"

	json "github.com/goccy/go-json"
	"golang.org/x/time/rate"

	"github.com/cluebot/cluebot/clue"
)

const (
	listPath    = "/rest/openapi/v2/gemini/crm/clue/list"
	opList      = "clue list"
	defaultSize = 20 // the vendor's default page_size
)

// MaxResponseBytes caps the body of one API response. A page of 500 clues is
// a few MB; a larger body fails the call at once with ErrResponseTooLarge, a
// permanent error, rather than being read on or retried, so a broken or
// hostile server cannot exhaust memory.
const MaxResponseBytes = 64 << 20

// ErrResponseTooLarge is wrapped by the error of a call whose response body
// (declared by Content-Length, or as read) is over MaxResponseBytes.
var ErrResponseTooLarge = fmt.Errorf("response body is over the %d MiB limit", MaxResponseBytes>>20)

// maxBody is the cap post applies: MaxResponseBytes, in a variable so that
// tests can lower it.
var maxBody int64 = MaxResponseBytes

// Limiter paces calls to the API. *rate.Limiter satisfies it.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Client calls the Kuaishou clue-list and token-refresh endpoints with
// retries, rate limiting and error classification. It is safe for concurrent
// use.
type Client struct {
	cfg     *Config
	hc      *http.Client
	log     *slog.Logger
	limiter atomic.Pointer[limiterBox]
	jitter  func(n int64) int64 // uniform in [0, n); replaced in tests
}

type limiterBox struct{ Limiter }

// NewClient returns a client for cfg. A nil hc gets a client with cfg.Timeout.
// The limiter allows cfg.QPS calls a second (0: unlimited) with a burst of
// max(1, int(QPS)).
func NewClient(cfg *Config, hc *http.Client, logger *slog.Logger) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: cfg.Timeout}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{cfg: cfg, hc: hc, log: logger.With("component", "kuaishou"), jitter: rand.Int64N}
	var l Limiter = rate.NewLimiter(rate.Inf, 1)
	if cfg.QPS > 0 {
		l = rate.NewLimiter(rate.Limit(cfg.QPS), max(1, int(cfg.QPS)))
	}
	c.SetLimiter(l)
	return c
}

// AddLimiter makes every attempt also wait on l (a shared API budget).
func (c *Client) AddLimiter(l Limiter) {
	c.SetLimiter(Limiters{c.limiterOrNone(), l})
}

// SetLimiter replaces the limiter every attempt waits on; nil means unlimited.
func (c *Client) SetLimiter(l Limiter) {
	if l == nil {
		l = rate.NewLimiter(rate.Inf, 1)
	}
	c.limiter.Store(&limiterBox{l})
}

func (c *Client) limiterOrNone() Limiter { return c.limiter.Load().Limiter }

// ListRequest asks for one page of an account's clues. Start and End are sent
// in VendorZone with TimeLayout (a zero time is left out). Page 0 means 1;
// PageSize 0 means cfg.PageSize, and it is capped at MaxPageSize.
type ListRequest struct {
	AdvertiserID int64
	Start, End   time.Time
	Page         int // from 1
	PageSize     int
}

// ListPage is one page of clues. Each clue's AdvertiserID is the request's.
// Skipped counts records that could not be decoded (not an object, no id).
type ListPage struct {
	TotalCount int
	Clues      []clue.Clue
	Skipped    int
	RequestID  string
}

type listBody struct {
	AdvertiserID int64  `json:"advertiser_id"`
	StartTime    string `json:"start_time,omitempty"`
	EndTime      string `json:"end_time,omitempty"`
	Page         int    `json:"page"`
	PageSize     int    `json:"page_size"`
}

type listData struct {
	TotalCount clue.Int           `json:"total_count"`
	Details    *[]json.RawMessage `json:"details"` // nil: null or absent
}

// ErrNoPage is wrapped by the error of a clue-list answer with code 0 but no
// page: data, or its details, null or absent. It is retried, and never read
// as the end of a window.
var ErrNoPage = errors.New("answer has no page")

// ListClues fetches one page of clues with ts's access token, retrying
// transient failures and refreshing the token once on an auth failure.
func (c *Client) ListClues(ctx context.Context, ts TokenSource, req ListRequest) (*ListPage, error) {
	body := c.listBody(req)
	where := fmt.Sprintf("list clues (advertiser %d, page %d)", req.AdvertiserID, body.Page)
	if req.AdvertiserID <= 0 {
		return nil, fmt.Errorf("%s: advertiser id must be positive", where)
	}
	log := c.log.With("advertiser_id", req.AdvertiserID, "op", opList, "page", body.Page)
	token, err := ts.Token(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: get access token: %w", where, err)
	}
	var page *ListPage
	call := func(ctx context.Context) error {
		p, err := c.listOnce(ctx, log, token, body)
		page = p
		return err
	}
	onAuth := func(ctx context.Context) error {
		fresh, err := ts.Refresh(ctx, token)
		if err != nil {
			return err
		}
		token = fresh
		return nil
	}
	if err := c.retry(ctx, log, call, onAuth); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return page, nil
}

func (c *Client) listBody(req ListRequest) listBody {
	size := min(cmp.Or(max(req.PageSize, 0), max(c.cfg.PageSize, 0), defaultSize), MaxPageSize)
	b := listBody{AdvertiserID: req.AdvertiserID, Page: max(1, req.Page), PageSize: size}
	if !req.Start.IsZero() {
		b.StartTime = req.Start.In(clue.VendorZone).Format(clue.TimeLayout)
	}
	if !req.End.IsZero() {
		b.EndTime = req.End.In(clue.VendorZone).Format(clue.TimeLayout)
	}
	return b
}
