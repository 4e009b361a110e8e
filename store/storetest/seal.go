package storetest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/secret"
	"github.com/cluebot/cluebot/store"
)

// KeyedOpener opens one new, empty database and returns a store on it for
// each ring, in order (a nil ring: no key), as instances sharing it with
// different keys. The suite closes the stores.
type KeyedOpener func(t *testing.T, rings ...*secret.Ring) []store.Store

// RunKeys runs the contract of tokens at rest: sealed with the first key,
// opened with any, plaintext still read and resealed, and key rotation.
func RunKeys(t *testing.T, open KeyedOpener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open KeyedOpener)
	}{
		{"tokens sealed at rest", testSealedAtRest},
		{"plaintext tokens resealed", testPlaintextResealed},
		{"key rotation", testKeyRotation},
		{"tampering detected", testTampering},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wrapped := func(t *testing.T, rings ...*secret.Ring) []store.Store {
				stores := open(t, rings...)
				for _, s := range stores {
					t.Cleanup(func() { assert.NoError(t, s.Close()) })
				}
				return stores
			}
			tt.fn(t, wrapped)
		})
	}
}

func ring(t *testing.T, fill ...byte) *secret.Ring {
	t.Helper()
	var keys [][]byte
	for _, b := range fill {
		keys = append(keys, bytes.Repeat([]byte{b}, secret.KeySize))
	}
	r, err := secret.NewRing(keys...)
	require.NoError(t, err)
	return r
}

// saveBoth stores an account's token and an agency authorization.
func saveBoth(t *testing.T, s store.Store, tag string) int64 {
	t.Helper()
	now := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
	require.NoError(t, s.SaveToken(context.Background(), store.Token{AdvertiserID: 42,
		AccessToken: secret.String("yaml-acc-" + secretTag(tag)), RefreshToken: secret.String("yaml-ref-" + secretTag(tag)),
		Seed: "seed", UpdatedAt: now}))
	id, err := s.PutAuthorization(context.Background(), agency(900, tag, now))
	require.NoError(t, err)
	return id
}

// requireReads checks that s opens both tokens saved by saveBoth with tag.
func requireReads(t *testing.T, s store.Store, id int64, tag string) {
	t.Helper()
	tok, err := s.Token(context.Background(), 42)
	require.NoError(t, err)
	require.Equal(t, "yaml-ref-"+secretTag(tag), tok.RefreshToken.Reveal())
	a, err := s.Authorization(context.Background(), id)
	require.NoError(t, err)
	require.Equal(t, "acc-"+secretTag(tag), a.AccessToken.Reveal())
}

// atRest returns every token value as stored, leaving them unchanged.
func atRest(t *testing.T, s store.Store) []string {
	t.Helper()
	var got []string
	n, err := s.ResealTokens(context.Background(), func(v string) (string, error) {
		got = append(got, v)
		return v, nil
	})
	require.NoError(t, err)
	require.Zero(t, n)
	return got
}

func testSealedAtRest(t *testing.T, open KeyedOpener) {
	s := open(t, ring(t, 1))[0]
	id := saveBoth(t, s, "a")
	requireReads(t, s, id, "a")
	rest := atRest(t, s)
	require.Len(t, rest, 4)
	for _, v := range rest {
		require.True(t, secret.IsSealed(v), "every token is sealed")
		require.NotContains(t, v, secretTag("a"))
	}
}

func testPlaintextResealed(t *testing.T, open KeyedOpener) {
	stores := open(t, nil, ring(t, 1))
	plain, keyed := stores[0], stores[1]
	id := saveBoth(t, plain, "a")
	for _, v := range atRest(t, plain) {
		require.False(t, secret.IsSealed(v), "without a key tokens are stored as before")
	}
	requireReads(t, keyed, id, "a")
	n, err := store.Reseal(context.Background(), keyed, ring(t, 1), true)
	require.NoError(t, err)
	require.Equal(t, 2, n, "both rows")
	for _, v := range atRest(t, keyed) {
		require.True(t, secret.IsSealed(v))
	}
	requireReads(t, keyed, id, "a")
	_, err = plain.Token(context.Background(), 42)
	require.ErrorIs(t, err, secret.ErrNoKey)
	_, err = store.Reseal(context.Background(), plain, nil, false)
	require.ErrorIs(t, err, store.ErrNoKeys)
}

func testKeyRotation(t *testing.T, open KeyedOpener) {
	stores := open(t, ring(t, 1), ring(t, 2, 1), ring(t, 2))
	old, rotating, fresh := stores[0], stores[1], stores[2]
	id := saveBoth(t, old, "a")
	requireReads(t, rotating, id, "a")
	_, err := fresh.Authorization(context.Background(), id)
	require.ErrorIs(t, err, secret.ErrUnknownKey)

	n, err := store.Reseal(context.Background(), fresh, ring(t, 2), false)
	require.ErrorIs(t, err, secret.ErrUnknownKey, "a key it lacks fails the reseal")
	require.Contains(t, err.Error(), "token 42")
	require.Zero(t, n)

	n, err = store.Reseal(context.Background(), rotating, ring(t, 2, 1), true)
	require.NoError(t, err)
	require.Zero(t, n, "nothing is plaintext")
	n, err = store.Reseal(context.Background(), rotating, ring(t, 2, 1), false)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	requireReads(t, fresh, id, "a")
	_, err = old.Token(context.Background(), 42)
	require.ErrorIs(t, err, secret.ErrUnknownKey, "the old key may go now")
	n, err = store.Reseal(context.Background(), rotating, ring(t, 2, 1), false)
	require.NoError(t, err)
	require.Zero(t, n, "resealing twice changes nothing")
}

func testTampering(t *testing.T, open KeyedOpener) {
	s := open(t, ring(t, 1))[0]
	id := saveBoth(t, s, "a")
	n, err := s.ResealTokens(context.Background(), func(v string) (string, error) {
		i := strings.LastIndexByte(v, ':') + 5
		flip := byte('A')
		if v[i] == 'A' {
			flip = 'B'
		}
		return v[:i] + string(flip) + v[i+1:], nil
	})
	require.NoError(t, err)
	require.Equal(t, 2, n)
	_, err = s.Token(context.Background(), 42)
	require.ErrorIs(t, err, secret.ErrTampered)
	require.Contains(t, err.Error(), "token 42")
	_, err = s.Authorization(context.Background(), id)
	require.ErrorIs(t, err, secret.ErrTampered)
	_, err = s.Authorizations(context.Background())
	require.ErrorIs(t, err, secret.ErrTampered)
}
