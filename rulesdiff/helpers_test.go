package rulesdiff

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/clue"
	"github.com/cluebot/cluebot/route"
	"github.com/cluebot/cluebot/store"
	"github.com/cluebot/cluebot/store/postgres"
	"github.com/cluebot/cluebot/store/postgres/pgtest"
	"github.com/cluebot/cluebot/store/sqlite"
)

// beijing is the configured zone of the tests.
var beijing = clue.VendorZone

// lead is a stored clue as a test states it.
type lead struct {
	n         int
	province  string
	city      string
	intention int
	at        time.Time // create_time
	raw       string    // raw JSON as is, when set
	stored    time.Time // first_seen; zero: at, stored as it was created
}

// storeClock is a test store's clock (its Options.Now), which sets when
// the leads it stores are first seen.
type storeClock struct{ at atomic.Int64 }

// now is the clock's time.
func (c *storeClock) now() time.Time { return time.Unix(0, c.at.Load()).UTC() }

// set makes t the clock's time.
func (c *storeClock) set(t time.Time) { c.at.Store(t.UnixNano()) }

// clue returns the clue the puller would have stored for l.
func (l lead) clue() store.Clue {
	id := fmt.Sprintf("2974516040085363%06d", l.n)
	raw := []byte(l.raw)
	if l.raw == "" {
		var err error
		raw, err = json.Marshal(map[string]any{
			"id": json.Number(id), "user_name": fmt.Sprintf("客户%d", l.n), "phone": fmt.Sprintf("1380000%04d", l.n),
			"intention_id": l.intention, "source_type": 5, "page_id": "1974516040085363861", "page_name": "春季报名页",
			"create_time": l.at.In(beijing).Format(time.DateTime), "update_time": l.at.In(beijing).Format(time.DateTime),
			"store_info": map[string]any{"province": l.province, "city": l.city, "store_name": "旗舰店"},
		})
		if err != nil {
			panic(err)
		}
	}
	return store.Clue{ID: id, AdvertiserID: 90000000001, CreateTime: l.at, UpdateTime: l.at,
		IntentionID: int64(l.intention), SourceType: 5, PageID: "1974516040085363861", PageName: "春季报名页",
		UserName: fmt.Sprintf("客户%d", l.n), Phone: fmt.Sprintf("1380000%04d", l.n),
		Province: l.province, City: l.city, Raw: raw}
}

// openSQLite opens a fresh SQLite store holding leads.
func openSQLite(t testing.TB, leads ...lead) *sqlite.Store {
	t.Helper()
	var clock storeClock
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{Now: clock.now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	storeLeads(t, st, &clock, leads)
	return st
}

// openPostgres opens a store in a fresh PostgreSQL schema holding leads,
// or skips without CLUEBOT_TEST_POSTGRES.
func openPostgres(t testing.TB, leads ...lead) *postgres.Store {
	t.Helper()
	dsn, schema := pgtest.FreshSchema(t)
	var clock storeClock
	st, err := postgres.Open(t.Context(), dsn, postgres.Options{Schema: schema, Now: clock.now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	storeLeads(t, st, &clock, leads)
	return st
}

// storeLeads stores leads in order, each when it says (by clock), the
// leads stored at the same time in one batch.
func storeLeads(t testing.TB, st store.Store, clock *storeClock, leads []lead) {
	t.Helper()
	var batch []store.Clue
	var at time.Time
	flush := func() {
		if len(batch) > 0 {
			clock.set(at)
			_, err := st.UpsertClues(t.Context(), batch)
			require.NoError(t, err)
			batch = batch[:0]
		}
	}
	for _, l := range leads {
		stored := l.stored
		if stored.IsZero() {
			stored = l.at
		}
		if !stored.Equal(at) {
			flush()
			at = stored
		}
		batch = append(batch, l.clue())
	}
	flush()
}

// parse compiles rules for the tests' zone.
func parse(t testing.TB, text string) *route.Rules {
	t.Helper()
	r, err := route.Parse("rules.yaml", []byte(text))
	require.NoError(t, err)
	r.Zone = beijing
	return r
}
