package fetch

import (
	"context"
	"errors"
	"fmt"

	json "github.com/goccy/go-json"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/secret"
)

const (
	markPath = "/rest/openapi/v2/gemini/crm/clue/clue_mark/update"
	opMark   = "clue mark"
)

// ErrBadUpdate is wrapped by the error of a MarkClue refused before any
// call: no clue id, no advertiser, or an update the vendor's tables do not
// have. It is permanent.
var ErrBadUpdate = errors.New("bad clue update")

type markBody struct {
	AdvertiserID     int64       `json:"advertiser_id"`
	ClueID           json.Number `json:"clue_id"` // the digits as read: ids reach 22 digits
	ScheduleID       *int64      `json:"schedule_id,omitempty"`
	ChildIntentionID []int64     `json:"child_intention_id,omitempty"`
	CallStat         *int64      `json:"call_stat,omitempty"`
}

type markData struct {
	ID clue.ID `json:"id"`
}

// MarkClue writes update to one clue in the vendor's CRM (clue_mark/update)
// with ts's access token, so the advertiser's own view agrees with a mark
// made in cluebot. It retries transient failures inside the client's rate
// limit and refreshes the token once on an auth failure, as ListClues does;
// other failures are returned classed (IsRetryable, IsAuth) for the caller
// to record. A refused update is never retried.
func (c *Client) MarkClue(ctx context.Context, ts TokenSource, advertiserID int64, clueID clue.ID, update clue.Update) error {
	where := fmt.Sprintf("mark clue %s (advertiser %d)", clueID, advertiserID)
	body, err := newMarkBody(advertiserID, clueID, update)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	log := c.log.With("advertiser_id", advertiserID, "op", opMark, "clue_id", clueID.String())
	token, err := ts.Token(ctx)
	if err != nil {
		return fmt.Errorf("%s: get access token: %w", where, err)
	}
	call := func(ctx context.Context) error {
		var scrub secret.Scrubber
		scrub.Add(token)
		env, err := post[markData](ctx, c, opMark, markPath, token, body, &scrub)
		if err == nil && env.dataErr == nil && env.Data != nil && env.Data.ID != "" && env.Data.ID != clueID {
			return &APIError{Op: opMark, HTTPStatus: env.status, RequestID: string(env.RequestID), Class: ClassPermanent,
				Err: fmt.Errorf("the answer names clue %s", env.Data.ID)}
		}
		return err
	}
	onAuth := func(ctx context.Context) error {
		fresh, err := ts.Refresh(ctx, token)
		if err == nil {
			token = fresh
		}
		return err
	}
	if err := c.retry(ctx, log, call, onAuth); err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	log.Info("clue marked in the vendor's CRM", "update", update.String())
	return nil
}

// newMarkBody checks the ids and the update and builds the request body.
func newMarkBody(advertiserID int64, clueID clue.ID, update clue.Update) (markBody, error) {
	var id clue.ID
	_ = id.UnmarshalJSON([]byte(clueID)) // the same check as a clue read from the list
	switch {
	case advertiserID <= 0:
		return markBody{}, fmt.Errorf("%w: advertiser id must be positive", ErrBadUpdate)
	case id == "" || id != clueID:
		return markBody{}, fmt.Errorf("%w: clue id %q is not a decimal id", ErrBadUpdate, string(clueID))
	}
	if err := update.Validate(); err != nil {
		return markBody{}, fmt.Errorf("%w: %w", ErrBadUpdate, err)
	}
	b := markBody{AdvertiserID: advertiserID, ClueID: json.Number(clueID), ChildIntentionID: update.ChildIntentions}
	if update.Schedule != nil {
		v := int64(*update.Schedule)
		b.ScheduleID = &v
	}
	if update.CallStat != nil {
		v := int64(*update.CallStat)
		b.CallStat = &v
	}
	return b, nil
}
