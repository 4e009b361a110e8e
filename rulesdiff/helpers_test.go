package rulesdiff

import (
	"encoding/json"
	"fmt"
	"path/filepath"
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
}

// stored returns the clue the puller would have stored for l.
func (l lead) stored() store.Clue {
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
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "c.db"), sqlite.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	storeLeads(t, st, leads)
	return st
}

// openPostgres opens a store in a fresh PostgreSQL schema holding leads,
// or skips without CLUEBOT_TEST_POSTGRES.
func openPostgres(t testing.TB, leads ...lead) *postgres.Store {
	t.Helper()
	dsn, schema := pgtest.FreshSchema(t)
	st, err := postgres.Open(t.Context(), dsn, postgres.Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	storeLeads(t, st, leads)
	return st
}

func storeLeads(t testing.TB, st store.Store, leads []lead) {
	t.Helper()
	clues := make([]store.Clue, len(leads))
	for i, l := range leads {
		clues[i] = l.stored()
	}
	if len(clues) > 0 {
		_, err := st.UpsertClues(t.Context(), clues)
		require.NoError(t, err)
	}
}

// parse compiles rules for the tests' zone.
func parse(t testing.TB, text string) *route.Rules {
	t.Helper()
	r, err := route.Parse("rules.yaml", []byte(text))
	require.NoError(t, err)
	r.Zone = beijing
	return r
}
