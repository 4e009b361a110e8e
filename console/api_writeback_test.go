package console

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

func TestAPIWriteBack(t *testing.T) { onEachStore(t, testAPIWriteBack) }

// testAPIWriteBack: a lead's write-back to the vendor shows in the API, a
// failure with its error; a lead never written answers 404.
func testAPIWriteBack(t *testing.T, backend string) {
	e := newEnvOn(t, backend, "")
	e.seed()
	viewer := e.signIn("王经理", viewerPass)
	code, _ := viewer.json("GET", "/api/leads/"+idPlain+"/writeback", nil)
	require.Equal(t, http.StatusNotFound, code)

	code, body := viewer.json("POST", "/api/leads/"+idPlain+"/mark", map[string]string{"status": "invalid"})
	require.Equal(t, http.StatusOK, code, body)
	wbs := e.st.(store.WriteBacks)
	due, err := wbs.DueWriteBacks(context.Background(), e.clock.Now(), 10)
	require.NoError(t, err)
	require.Len(t, due, 1)
	w := due[0]
	w.State, w.Attempts, w.LastError = store.WriteBackFailed, 6, "clue mark: code 400002"
	require.NoError(t, wbs.RecordWriteBack(context.Background(), w))

	code, body = viewer.json("GET", "/api/leads/"+idPlain+"/writeback", nil)
	require.Equal(t, http.StatusOK, code, body)
	var v writeBackView
	decode(t, body, &v)
	require.Equal(t, "invalid", v.Status)
	require.Equal(t, "failed", v.State)
	require.Equal(t, 6, v.Attempts)
	require.Equal(t, "clue mark: code 400002", v.LastError)
	require.True(t, v.NextAt.IsZero())
}

// TestLeadPageWriteBack: the lead's page shows how writing its mark to the
// vendor went, a failure with its error, as the contract asks ("a failure
// shows on the lead's page").
func TestLeadPageWriteBack(t *testing.T) {
	e := newEnv(t, "")
	e.seed()
	admin := e.pageClient("admin", adminPass)
	_, body := admin.get("/leads/" + idPlain)
	require.NotContains(t, body, "同步到快手", "no mark, nothing to write back")

	wbs := e.st.(store.WriteBacks)
	ctx := context.Background()
	require.NoError(t, e.st.SetMark(ctx, store.Mark{ClueID: idPlain, Status: store.MarkContacted, By: "admin", At: e.clock.Now()}))
	_, body = admin.get("/leads/" + idPlain)
	require.NotContains(t, body, "同步到快手", "not tried yet (write_back may be off)")

	due, err := wbs.DueWriteBacks(ctx, e.clock.Now(), 10)
	require.NoError(t, err)
	require.Len(t, due, 1)
	w := due[0]
	w.State, w.Attempts, w.LastError = store.WriteBackFailed, 6, "clue mark: code 400002 <b>"
	require.NoError(t, wbs.RecordWriteBack(ctx, w))
	_, body = admin.get("/leads/" + idPlain)
	require.Contains(t, body, "同步到快手失败：clue mark: code 400002 &lt;b&gt;")
}
