package app

import (
	"context"

	"github.com/cluebot/cluebot/store"
)

// notifyReauth tells ops_receivers that an authorization needs re-auth.
func (a *App) notifyReauth(ctx context.Context, auth store.Authorization, msg string) {
	a.Log.Error("authorization needs re-auth", "authorization", auth.ID, "advertiser_id", auth.AdvertiserID, "error", msg)
}
