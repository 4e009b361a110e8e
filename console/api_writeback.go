package console

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cluebot/cluebot/store"
)

// writeBackView is how writing a lead's mark to the vendor went
// (kuaishou.write_back), as GET /api/leads/{id}/writeback answers it.
type writeBackView struct {
	Status    string    `json:"status"` // the mark written: contacted or invalid
	MarkAt    time.Time `json:"mark_at"`
	State     string    `json:"state"` // pending, done or failed
	Attempts  int       `json:"attempts"`
	NextAt    time.Time `json:"next_at,omitzero"`
	LastError string    `json:"last_error,omitempty"`
}

// apiWriteBack is GET /api/leads/{id}/writeback: 404 when the lead's mark
// was never tried (write_back off, or not yet).
func (c *Console) apiWriteBack(w http.ResponseWriter, r *http.Request, _ *store.Session) {
	wbs, ok := c.st.(store.WriteBacks)
	if !ok {
		writeError(w, http.StatusNotFound, "this store keeps no write-backs")
		return
	}
	wb, err := wbs.WriteBackOf(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no write-back for this lead")
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	v := writeBackView{Status: wb.Status, MarkAt: wb.MarkAt.In(c.zone), State: wb.State,
		Attempts: wb.Attempts, LastError: wb.LastError}
	if wb.State == store.WriteBackPending {
		v.NextAt = wb.NextAt.In(c.zone)
	}
	writeJSON(w, http.StatusOK, v)
}

// WriteBackLabel says how writing a lead's mark to the vendor went, as the
// lead's page and the mark link's page show it.
func WriteBackLabel(wb store.WriteBack) string {
	switch wb.State {
	case store.WriteBackDone:
		return "已同步到快手"
	case store.WriteBackFailed:
		return "同步到快手失败：" + wb.LastError
	default:
		if wb.LastError != "" {
			return fmt.Sprintf("同步到快手重试中（第 %d 次失败：%s）", wb.Attempts, wb.LastError)
		}
		return "等待同步到快手"
	}
}
