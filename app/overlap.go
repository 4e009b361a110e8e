package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/cluebot/cluebot/config"
	"github.com/cluebot/cluebot/store"
)

// AuthOverlap returns a note for each YAML account that an authorization in
// the store also covers: it is pulled once, with the YAML token. The store
// is read only when it already exists (a SQLite file that is there, a
// PostgreSQL server that answers within a few seconds): `config check`
// never creates one. A store that cannot be read gives no notes.
func AuthOverlap(ctx context.Context, cfg *config.Config) []string {
	if len(cfg.Kuaishou.Accounts) == 0 {
		return nil
	}
	if cfg.Store.DSNIsPath() {
		if _, err := os.Stat(cfg.Store.DSN); err != nil {
			return nil
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	st, err := OpenStore(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil
	}
	defer st.Close()
	covered, err := st.AuthAdvertisers(ctx, 0)
	if err != nil {
		return nil
	}
	by := map[int64]int64{}
	for _, c := range covered {
		if c.Status == store.AdvertiserActive && by[c.AdvertiserID] == 0 {
			by[c.AdvertiserID] = c.AuthorizationID
		}
	}
	var out []string
	for i, a := range cfg.Kuaishou.Accounts {
		if id := by[a.AdvertiserID]; id != 0 {
			out = append(out, fmt.Sprintf("kuaishou.accounts.%d: advertiser %d is also covered by authorization %d; "+
				"it is pulled once, with the token in cluebot.yaml", i, a.AdvertiserID, id))
		}
	}
	return out
}
