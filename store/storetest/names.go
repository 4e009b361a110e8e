package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

func testAccountNames(t *testing.T, s store.Store, _ *clock) {
	ctx := context.Background()
	got, err := s.AccountNames(ctx)
	require.NoError(t, err)
	require.Empty(t, got)
	require.NoError(t, s.SetAccountNames(ctx, map[int64]string{1001: "郑州宝马", 1002: "Acme, Inc."}))
	require.NoError(t, s.SetAccountNames(ctx, map[int64]string{1002: "洛阳奥迪", 1003: "三号"}))
	require.NoError(t, s.SetAccountNames(ctx, nil))
	got, err = s.AccountNames(ctx)
	require.NoError(t, err)
	require.Equal(t, map[int64]string{1001: "郑州宝马", 1002: "洛阳奥迪", 1003: "三号"}, got)
}
