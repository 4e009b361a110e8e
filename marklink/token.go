// Package marklink makes and serves the mark link an alert carries: a short
// HMAC-signed URL naming one lead, which opens a page (no login) where the
// person who called the lead marks it 已联系 or 无效.
package marklink

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"
)

// TTL is how long a mark link stays valid after it was made.
const TTL = 7 * 24 * time.Hour

// macSize is the bytes of HMAC-SHA256 a token keeps: 128 bits, so a link
// cannot be guessed or forged, while the URL stays short enough for chat.
const macSize = 16

// maxIDBytes bounds the clue id a token may carry (the vendor's ids are
// about 19 digits).
const maxIDBytes = 64

// Errors Verify returns; the handler answers 404 and 410 to them.
var (
	ErrForged  = errors.New("mark link: not a valid link")
	ErrExpired = errors.New("mark link: expired")
)

// Signer makes and checks mark links with one key.
type Signer struct {
	key   []byte
	base  string // console.base_url without a trailing slash
	clock clockwork.Clock
}

// NewSigner returns a Signer making links under baseURL (console.base_url)
// with key (store.MarkLinks' key).
func NewSigner(key []byte, baseURL string, clock clockwork.Clock) (*Signer, error) {
	if len(key) < 16 {
		return nil, fmt.Errorf("mark link: key of %d bytes is too short", len(key))
	}
	if baseURL == "" {
		return nil, errors.New("mark link: console.base_url is not set")
	}
	return &Signer{key: append([]byte(nil), key...), base: strings.TrimRight(baseURL, "/"), clock: clock}, nil
}

// URL returns the link for the lead clueID, valid for TTL from now.
func (s *Signer) URL(clueID string) string {
	return s.base + "/m/" + s.Token(clueID, s.clock.Now().Add(TTL))
}

// Token returns the token naming clueID that expires at exp: base64url of
// the expiry (4 bytes, Unix seconds), the first 16 bytes of HMAC-SHA256 over
// expiry and id, and the id.
func (s *Signer) Token(clueID string, exp time.Time) string {
	b := make([]byte, 4, 4+macSize+len(clueID))
	binary.BigEndian.PutUint32(b, uint32(exp.Unix()))
	b = append(b, s.mac(b[:4], clueID)...)
	b = append(b, clueID...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Verify returns the clue id tok names: ErrForged when it was not made with
// this key (compared in constant time), ErrExpired when it is past its
// expiry.
func (s *Signer) Verify(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) <= 4+macSize || len(b) > 4+macSize+maxIDBytes {
		return "", ErrForged
	}
	id := string(b[4+macSize:])
	if !hmac.Equal(b[4:4+macSize], s.mac(b[:4], id)) {
		return "", ErrForged
	}
	exp := time.Unix(int64(binary.BigEndian.Uint32(b[:4])), 0)
	if !s.clock.Now().Before(exp) {
		return "", ErrExpired
	}
	return id, nil
}

// mac is the truncated HMAC of a purpose-tagged message, so a token's MAC
// can never serve as a form nonce's or the other way round.
func (s *Signer) mac(exp []byte, id string) []byte {
	return s.sum("link", exp, []byte(id))
}

// sum is HMAC-SHA256 over purpose and parts, each length-prefixed,
// truncated to macSize.
func (s *Signer) sum(purpose string, parts ...[]byte) []byte {
	h := hmac.New(sha256.New, s.key)
	for _, p := range append([][]byte{[]byte(purpose)}, parts...) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	return h.Sum(nil)[:macSize]
}

// hmacEqual compares two MACs in constant time.
func hmacEqual(a, b []byte) bool { return hmac.Equal(a, b) }
