package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
)

// KeyEnv is the environment variable that holds the keys sealing tokens at
// rest: base64 of 32 bytes each, comma-separated. The first key seals, every
// key opens: to rotate, put the new key first and keep the old one after it
// until `cluebot secret rotate` has resealed every token.
const KeyEnv = "CLUEBOT_SECRET_KEY"

// SealedPrefix starts every sealed value; it is followed by the sealing
// key's id, a colon and base64url(nonce || ciphertext). A stored value
// without it is a legacy plaintext token and opens as itself.
const SealedPrefix = "cbsealed:v1:"

// KeySize is the length of a key in bytes (AES-256).
const KeySize = 32

// Errors of Ring.Open, typed so callers can tell a missing key from tampering.
var (
	// ErrNoKey: a sealed value met a ring without keys.
	ErrNoKey = errors.New("token is sealed but no key is configured (" + KeyEnv + " or store.key_file)")
	// ErrUnknownKey: a sealed value names a key the ring does not hold.
	ErrUnknownKey = errors.New("token is sealed with a key that is not configured")
	// ErrTampered: a sealed value does not authenticate under its key.
	ErrTampered = errors.New("sealed token is damaged or was tampered with")
)

// Ring seals tokens at rest with AES-256-GCM. The zero value and a nil *Ring
// hold no key: Seal then returns its input unchanged (tokens are stored as
// before keys existed) and Open only opens plaintext. A Ring is safe for
// concurrent use.
type Ring struct {
	keys []ringKey // keys[0] seals
}

type ringKey struct {
	id   string // hex of the first 4 bytes of the key's SHA-256
	aead cipher.AEAD
}

// NewRing returns a ring of keys, each KeySize bytes; the first one seals.
func NewRing(keys ...[]byte) (*Ring, error) {
	r := &Ring{}
	for i, k := range keys {
		if len(k) != KeySize {
			return nil, fmt.Errorf("key %d: %d bytes, want %d", i+1, len(k), KeySize)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("key %d: %w", i+1, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("key %d: %w", i+1, err)
		}
		sum := sha256.Sum256(k)
		r.keys = append(r.keys, ringKey{id: hex.EncodeToString(sum[:4]), aead: aead})
	}
	return r, nil
}

// ParseKeys reads a comma-separated list of base64 keys (standard or URL
// alphabet, padded or not; spaces and newlines around them are ignored).
// Errors name the key by position, never by value.
func ParseKeys(list string) (*Ring, error) {
	var keys [][]byte
	for i, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == '\n' }) {
		f = strings.TrimRight(strings.TrimSpace(f), "=")
		if f == "" {
			continue
		}
		k, err := base64.RawStdEncoding.DecodeString(f)
		if err != nil {
			k, err = base64.RawURLEncoding.DecodeString(f)
		}
		if err != nil {
			return nil, fmt.Errorf("key %d is not base64", i+1)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no key given")
	}
	return NewRing(keys...)
}

// LoadRing returns the ring of the keys in env (the value of KeyEnv) or,
// when env is empty, in the file keyFile. With neither it returns an empty
// ring and no error: tokens are then stored unsealed.
func LoadRing(env, keyFile string) (*Ring, error) {
	if strings.TrimSpace(env) != "" {
		r, err := ParseKeys(env)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", KeyEnv, err)
		}
		return r, nil
	}
	if keyFile == "" {
		return &Ring{}, nil
	}
	data, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("store.key_file: %w", err)
	}
	r, err := ParseKeys(string(data))
	if err != nil {
		return nil, fmt.Errorf("store.key_file: %s: %w", keyFile, err)
	}
	return r, nil
}

// Enabled reports whether the ring holds a key to seal with.
func (r *Ring) Enabled() bool { return r != nil && len(r.keys) > 0 }

// IsSealed reports whether a stored value is sealed.
func IsSealed(stored string) bool { return strings.HasPrefix(stored, SealedPrefix) }

// Seal returns plain sealed with the ring's first key. The empty string and
// any value, when the ring has no key, are returned unchanged.
func (r *Ring) Seal(plain string) (string, error) {
	if plain == "" || !r.Enabled() {
		return plain, nil
	}
	k := r.keys[0]
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plain)+k.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal token: %w", err)
	}
	out := k.aead.Seal(nonce, nonce, []byte(plain), []byte(k.id))
	return SealedPrefix + k.id + ":" + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open returns the token a stored value holds: a sealed value is opened
// with the key it names, a plaintext (legacy) value is returned as is.
func (r *Ring) Open(stored string) (String, error) {
	if !IsSealed(stored) {
		return String(stored), nil
	}
	if !r.Enabled() {
		return "", ErrNoKey
	}
	id, body, ok := strings.Cut(stored[len(SealedPrefix):], ":")
	if !ok {
		return "", ErrTampered
	}
	for _, k := range r.keys {
		if k.id != id {
			continue
		}
		raw, err := base64.RawURLEncoding.DecodeString(body)
		if err != nil || len(raw) < k.aead.NonceSize() {
			return "", ErrTampered
		}
		n := k.aead.NonceSize()
		plain, err := k.aead.Open(nil, raw[:n], raw[n:], []byte(k.id))
		if err != nil {
			return "", ErrTampered
		}
		return String(plain), nil
	}
	return "", fmt.Errorf("%w (key id %s)", ErrUnknownKey, id)
}

// Stale reports whether a stored value should be sealed again: it is
// plaintext, or sealed with a key other than the first. A ring without keys
// finds nothing stale. With plainOnly, only plaintext counts as stale.
func (r *Ring) Stale(stored string, plainOnly bool) bool {
	if stored == "" || !r.Enabled() {
		return false
	}
	if !IsSealed(stored) {
		return true
	}
	return !plainOnly && !strings.HasPrefix(stored, SealedPrefix+r.keys[0].id+":")
}

// Reseal opens a stored value and seals it again with the first key.
func (r *Ring) Reseal(stored string) (string, error) {
	plain, err := r.Open(stored)
	if err != nil {
		return "", err
	}
	return r.Seal(plain.Reveal())
}

var noKeyOnce sync.Once

// WarnIfNoKey logs, once per process, that tokens are stored unsealed
// because r holds no key.
func WarnIfNoKey(r *Ring, log *slog.Logger) {
	if r.Enabled() || log == nil {
		return
	}
	noKeyOnce.Do(func() {
		log.Warn("tokens are stored unencrypted: set " + KeyEnv + " or store.key_file to seal them " +
			"(the database file stays 0600)")
	})
}
