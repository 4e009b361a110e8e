package fetch

import (
	stdjson "encoding/json"
	"time"

	goccy "github.com/goccy/go-json"

	"github.com/cluebot/cluebot/clue"
)

// SetMaxWindowRows lets tests make window halving happen with few clues.
func (s *Syncer) SetMaxWindowRows(n int) { s.maxWindowRows = n }

// LogBuffer is a log sink safe for concurrent writers.
type LogBuffer = syncBuffer

// UseStdJSON makes the package decode envelopes and clue records with
// encoding/json (true) or goccy/go-json (false).
func UseStdJSON(std bool) {
	clue.UseStdJSON(std)
	if std {
		unmarshal = stdjson.Unmarshal
	} else {
		unmarshal = goccy.Unmarshal
	}
}

// SetApprovalPageSize makes ApprovalList ask for pages of n, for the tests
// that page a simulated list with few advertisers; it returns the undo.
func SetApprovalPageSize(n int) (undo func()) {
	old := approvalPageSize
	approvalPageSize = n
	return func() { approvalPageSize = old }
}

// OpenWindows is openWindows, for its table test.
var OpenWindows = openWindows

// SetAuthWait shortens how long a caller waits for another instance's
// refresh of an authorization; it returns the undo.
func SetAuthWait(d time.Duration) (undo func()) {
	old := authWait
	authWait = d
	return func() { authWait = old }
}
