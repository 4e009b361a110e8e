package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/secret"
)

const (
	approvalPath = "/rest/openapi/oauth2/authorize/approval/list"
	opApproval   = "approval list"
	// approvalOK is the approval list's success code: 1, where every other
	// endpoint answers 0.
	approvalOK = 1
	// MaxApprovalPageSize is the largest page_size the approval list takes.
	MaxApprovalPageSize = 1000
)

var (
	// approvalPageSize is the page_size ApprovalList asks for: the largest,
	// so discovery spends as few calls of the API budget as it can. Tests
	// lower it.
	approvalPageSize = MaxApprovalPageSize
	// maxApprovalPages bounds one listing: 10 million advertisers at the
	// largest page, far beyond any agency, so a server whose list never
	// ends cannot keep the client paging forever. Tests lower it.
	maxApprovalPages = 10000
)

// ErrApprovalEndless is wrapped by the error of an approval listing still
// not at its end after maxApprovalPages pages.
var ErrApprovalEndless = errors.New("approval list did not end")

type approvalBody struct {
	AppID       int64  `json:"app_id"`
	Secret      string `json:"secret"`
	AccessToken string `json:"access_token"`
	PageNo      int    `json:"page_no"`
	PageSize    int    `json:"page_size"`
}

type approvalData struct {
	Details *[]approvalID `json:"details"` // nil: null or absent
	IsEnd   clue.Int      `json:"isEnd"`
	IsEnd2  clue.Int      `json:"is_end"`
}

// approvalID is one entry of an approval page: an advertiser id as a number
// or a quoted number, or an object carrying advertiser_id. Anything else
// decodes to 0 and is skipped.
type approvalID int64

// UnmarshalJSON decodes leniently and never fails.
func (id *approvalID) UnmarshalJSON(b []byte) error {
	var n clue.Int
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '{' {
		var obj struct {
			AdvertiserID clue.Int `json:"advertiser_id"`
		}
		_ = unmarshal(b, &obj)
		n = obj.AdvertiserID
	} else {
		_ = n.UnmarshalJSON(b)
	}
	*id = approvalID(n)
	return nil
}

// ApprovalList returns every advertiser an authorization's access token
// covers, read page by page to the end, each id once, in the order listed.
// The vendor answers code 1 for success here and sets isEnd only once
// page_no is past the last page, so a listing ends at the page with isEnd
// set or with no ids. Transient failures are retried; a page that fails
// for good fails the whole listing (no partial list: an advertiser missing
// from it would read as having left). A refused token is an auth-class
// error (IsAuth): refresh the authorization and list again.
func (c *Client) ApprovalList(ctx context.Context, accessToken secret.String) ([]int64, error) {
	if c.cfg.AppID == 0 || c.cfg.Secret.IsZero() || accessToken.IsZero() {
		return nil, errors.New("approval list: app_id, secret and an access token are required")
	}
	body := approvalBody{AppID: c.cfg.AppID, Secret: c.cfg.Secret.Reveal(), AccessToken: accessToken.Reveal(),
		PageSize: min(max(approvalPageSize, 1), MaxApprovalPageSize)}
	var scrub secret.Scrubber
	scrub.Add(body.Secret, body.AccessToken)
	var ids []int64
	seen := map[int64]bool{}
	for body.PageNo = 1; body.PageNo <= maxApprovalPages; body.PageNo++ {
		var data *approvalData
		call := func(ctx context.Context) error {
			env, err := postOK[approvalData](ctx, c, opApproval, approvalPath, "", body, &scrub, approvalOK)
			if err == nil {
				data, err = approvalPage(env)
			}
			return err
		}
		log := c.log.With("op", opApproval, "page", body.PageNo)
		if err := c.retry(ctx, log, call, nil); err != nil {
			return nil, fmt.Errorf("approval list (page %d): %w", body.PageNo, err)
		}
		page := *data.Details
		for _, id := range page {
			if id > 0 && !seen[int64(id)] {
				seen[int64(id)] = true
				ids = append(ids, int64(id))
			}
		}
		if data.IsEnd != 0 || data.IsEnd2 != 0 || len(page) == 0 {
			return ids, nil
		}
	}
	return nil, fmt.Errorf("approval list: %w after %d pages", ErrApprovalEndless, maxApprovalPages)
}

// approvalPage checks a success answer: data that does not decode, or no
// data or details at all unless isEnd says the list is over, is retried (as
// a clue page without details is), never read as the end of the list.
func approvalPage(env *envelope[approvalData]) (*approvalData, error) {
	fail := func(err error) error {
		return &APIError{Op: opApproval, HTTPStatus: env.status, RequestID: string(env.RequestID),
			Class: ClassRetryable, Err: err}
	}
	switch {
	case env.dataErr != nil:
		return nil, fail(fmt.Errorf("decode data: %w", env.dataErr))
	case env.Data == nil:
		return nil, fail(fmt.Errorf("%w: data is null", ErrNoPage))
	case env.Data.Details == nil && env.Data.IsEnd == 0 && env.Data.IsEnd2 == 0:
		return nil, fail(fmt.Errorf("%w: details is null before the end", ErrNoPage))
	case env.Data.Details == nil:
		env.Data.Details = &[]approvalID{}
	}
	return env.Data, nil
}
