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
