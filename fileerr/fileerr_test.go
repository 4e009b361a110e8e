package fileerr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fileerr"
)

func TestErrorFormats(t *testing.T) {
	tests := []struct {
		name string
		err  fileerr.Error
		want string
	}{
		{"line and key", fileerr.Error{File: "c.yaml", Line: 9, Key: "kuaishou.page_size", Msg: "want a whole number"}, "c.yaml:9: kuaishou.page_size: want a whole number"},
		{"no key", fileerr.Error{File: "rules.yaml", Line: 3, Msg: "unknown key \"recievers\""}, `rules.yaml:3: unknown key "recievers"`},
		{"no line", fileerr.Error{File: "c.yaml", Key: "timezone", Msg: "bad"}, "c.yaml: timezone: bad"},
		{"newlines escaped", fileerr.Error{File: "c.yaml", Line: 1, Key: "a\nb", Msg: "x\r\ny"}, `c.yaml:1: "a\nb": x\r\ny`},
		{"key starting with a space quoted", fileerr.Error{File: "c.yaml", Line: 1, Key: " 0 飞书 0", Msg: "unknown key"}, `c.yaml:1: " 0 飞书 0": unknown key`},
		{"key ending with a tab quoted", fileerr.Error{File: "c.yaml", Line: 2, Key: "receivers.a\t", Msg: "unknown key"}, `c.yaml:2: "receivers.a\t": unknown key`},
		{"non-ASCII key left alone", fileerr.Error{File: "c.yaml", Line: 2, Key: "receivers.飞书", Msg: "bad"}, `c.yaml:2: receivers.飞书: bad`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.err.Error())
		})
	}
}

func TestWarningFormats(t *testing.T) {
	tests := []struct {
		name string
		err  fileerr.Error
		want string
	}{
		{"line and key", fileerr.Error{File: "c.yaml", Line: 9, Key: "receivers.a.url", Msg: "no key"}, "c.yaml:9: warning: receivers.a.url: no key"},
		{"no key", fileerr.Error{File: "rules.yaml", Line: 3, Msg: "nothing to @"}, "rules.yaml:3: warning: nothing to @"},
		{"no line", fileerr.Error{File: "c.yaml", Key: "console.base_url", Msg: "x\ny"}, `c.yaml: warning: console.base_url: x\ny`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.err.Warning())
		})
	}
}

func TestListSortsByLineAndUnwraps(t *testing.T) {
	third := &fileerr.Error{File: "f", Line: 7, Msg: "c"}
	l := fileerr.List{third, &fileerr.Error{File: "f", Line: 2, Msg: "a"}, errors.New("plain"),
		&fileerr.Error{File: "f", Line: 2, Msg: "b"}}
	l.Sort()
	require.Equal(t, "plain\nf:2: a\nf:2: b\nf:7: c", l.Error())
	var wrapped error = fmt.Errorf("invalid rules:\n%w", l)
	var e *fileerr.Error
	require.ErrorAs(t, wrapped, &e)
	require.ErrorIs(t, wrapped, third)
	require.Equal(t, 7, fileerr.Line(fmt.Errorf("at: %w", third)))
	require.Zero(t, fileerr.Line(errors.New("x")))
}
