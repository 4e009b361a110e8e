package daemon

import (
	"context"
	"time"

	"github.com/cluebot/cluebot/writeback"
)

// JobWriteBack is the job that writes marks to the vendor
// (kuaishou.write_back), every writeBackEvery.
const JobWriteBack = "write-back"

const writeBackEvery = 30 * time.Second

// writeBack returns the job that writes marks made in cluebot to the
// vendor (kuaishou.write_back), inside the API budget the pulls share.
func (d *daemon) writeBack(w *writeback.Writer) func(ctx context.Context) {
	return func(ctx context.Context) {
		res, err := w.Run(ctx)
		if err != nil {
			d.jobFailed(ctx, "mark write-back failed", err)
			return
		}
		if res != (writeback.Result{}) {
			d.log.Info("marks written back", "done", res.Done, "retrying", res.Retrying, "failed", res.Failed)
		}
	}
}
