package followup

import (
	"context"
	"slices"
)

// maxPending bounds the changed clues kept for the next run; beyond it a
// change is left to the check every timer gets when it comes due.
const maxPending = 100000

// Changed records clues a pull just saw change at the vendor; the next Run
// finishes the open timers of those that now count as followed up, so a
// call is noticed within a poll interval, not only when the reminder comes
// due. It is safe for concurrent use (accounts are pulled in parallel).
func (j *Job) Changed(ids []string) {
	if j == nil {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.pending == nil {
		j.pending = map[string]struct{}{}
	}
	for _, id := range ids {
		if len(j.pending) >= maxPending {
			return
		}
		j.pending[id] = struct{}{}
	}
}

// takePending returns the recorded clues, sorted, and forgets them.
func (j *Job) takePending() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	ids := make([]string, 0, len(j.pending))
	for id := range j.pending {
		ids = append(ids, id)
	}
	j.pending = nil
	slices.Sort(ids)
	return ids
}

// notice finishes the open timers of the changed clues that are followed
// up. On an error the clues not yet looked at are kept for the next run.
// A job's first run also looks at every open timer whose lead changed
// after its alert (sweep).
func (j *Job) notice(ctx context.Context, st *Stats) error {
	if !j.swept {
		if err := j.sweep(ctx, st); err != nil {
			return err
		}
		j.swept = true
	}
	ids := j.takePending()
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), j.batch())]
		if err := j.noticeChunk(ctx, chunk, st); err != nil {
			j.Changed(ids)
			return err
		}
		ids = ids[len(chunk):]
	}
	return nil
}

func (j *Job) noticeChunk(ctx context.Context, ids []string, st *Stats) error {
	open, err := j.store.OpenFollowupClues(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range open {
		at, done, err := j.followedUp(ctx, id)
		if err != nil {
			return err
		}
		if !done {
			continue
		}
		if _, err := j.store.FinishFollowups(ctx, id, at); err != nil {
			return err
		}
		st.Done++
	}
	return nil
}

// sweep finishes the open timers of the leads followed up that changed
// after their alert: a process killed between storing a call and acting
// on it leaves those, and its successor's pulls see nothing new in them.
func (j *Job) sweep(ctx context.Context, st *Stats) error {
	after := ""
	for ctx.Err() == nil {
		ids, err := j.store.ChangedOpenFollowups(ctx, after, j.batch())
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := j.noticeChunk(ctx, ids, st); err != nil {
			return err
		}
		after = ids[len(ids)-1]
	}
	return ctx.Err()
}
