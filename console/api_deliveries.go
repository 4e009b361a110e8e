package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cluebot/cluebot/store"
)

// apiDeliveries is GET /api/deliveries?state=dead|pending&receiver=NAME.
func (c *Console) apiDeliveries(w http.ResponseWriter, r *http.Request, _ *store.Session) {
	v := r.URL.Query()
	q := store.DeliveryQuery{State: v.Get("state"), Receiver: v.Get("receiver")}
	switch q.State {
	case "", store.OutboxPending, store.OutboxSent, store.OutboxDead:
	default:
		writeError(w, http.StatusBadRequest, `state: want "dead", "pending" or "sent"`)
		return
	}
	var err error
	if q.Limit, q.Offset, err = pageParams(v); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	items, err := c.st.Deliveries(r.Context(), q)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	out := make([]deliveryView, 0, len(items))
	for _, it := range items {
		out = append(out, c.deliveryView(it, true))
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": out})
}

// retry queues the dead delivery id again, with an audit entry.
func (c *Console) retry(r *http.Request, s *store.Session, id int64) error {
	if err := c.st.RequeueDead(r.Context(), id, c.clock.Now()); err != nil {
		return err
	}
	c.audit(r, s, "retry", strconv.FormatInt(id, 10), "")
	return nil
}

// apiRetry is POST /api/deliveries/{id}/retry: 202 when queued again, 409
// when the delivery is not dead.
func (c *Console) apiRetry(w http.ResponseWriter, r *http.Request, s *store.Session) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	err = c.retry(r, s, id)
	switch {
	case errors.Is(err, store.ErrNotDead):
		writeError(w, http.StatusConflict, "the delivery is not dead")
	case err != nil:
		c.fail(w, r, err)
	default:
		writeJSON(w, http.StatusAccepted, map[string]int{"queued": 1})
	}
}

// retryDead queues every dead delivery of receiver again, with an audit
// entry, and returns how many.
func (c *Console) retryDead(r *http.Request, s *store.Session, receiver string) (int, error) {
	n, err := c.st.RequeueDeadOf(r.Context(), receiver, c.clock.Now())
	if err != nil {
		return 0, err
	}
	c.audit(r, s, "retry-dead", receiver, strconv.Itoa(n)+" queued")
	return n, nil
}

// apiRetryDead is POST /api/receivers/{name}/retry-dead: 202 {"queued": n}.
func (c *Console) apiRetryDead(w http.ResponseWriter, r *http.Request, s *store.Session) {
	n, err := c.retryDead(r, s, r.PathValue("name"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]int{"queued": n})
}

// Forget erases every lead with phone from st (clues, history, outbox,
// marks) and records who did it in the audit log, without the number: the
// console's and `cluebot forget`'s one way to do it.
func Forget(ctx context.Context, st store.Console, by, phone string, at time.Time) (int, error) {
	phone = strings.TrimSpace(phone)
	if phone == "" {
		return 0, errors.New("forget: no phone given")
	}
	n, err := st.ForgetPhone(ctx, phone)
	if err != nil {
		return 0, fmt.Errorf("forget: %w", err)
	}
	e := store.AuditEntry{At: at, User: by, Action: "forget", Target: "phone", Detail: strconv.Itoa(n) + " leads erased"}
	if err := st.AddAudit(ctx, e); err != nil {
		return n, fmt.Errorf("forget: %d leads erased, but the audit entry was not written: %w", n, err)
	}
	return n, nil
}

// apiForget is POST /api/forget {"phone": "…"}: 200 {"forgotten": n}.
func (c *Console) apiForget(w http.ResponseWriter, r *http.Request, s *store.Session) {
	var in struct {
		Phone string `json:"phone"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	phone := strings.TrimSpace(in.Phone)
	if phone == "" {
		writeError(w, http.StatusBadRequest, "phone: must be set")
		return
	}
	n, err := Forget(r.Context(), c.st, s.User, phone, c.clock.Now())
	if err != nil {
		c.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"forgotten": n})
}
