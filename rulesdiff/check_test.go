package rulesdiff

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fileerr"
	"github.com/cluebot/cluebot/route"
)

func TestRulesLineErrorsOfTheParser(t *testing.T) {
	_, err := route.Parse("rules.yaml", []byte("routes:\n  - name: a\n    receivers: [x]\n    colour: red\n"))
	require.Error(t, err)
	got := LineErrors(err)
	require.Len(t, got, 1)
	require.Equal(t, 4, got[0].Line)
	require.Contains(t, got[0].Message, `unknown key "colour"`)
	require.NotContains(t, got[0].Message, "rules.yaml", "the line alone places it")
}

func TestRulesLineErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []LineError
	}{
		{"a key is kept", fileerr.List{&fileerr.Error{File: "rules.yaml", Line: 2, Key: "routes", Msg: "bad"}},
			[]LineError{{Line: 2, Message: "routes: bad"}}},
		{"several, in order", fileerr.List{&fileerr.Error{File: "f", Line: 1, Msg: "a"}, &fileerr.Error{File: "f", Line: 3, Msg: "b"}},
			[]LineError{{Line: 1, Message: "a"}, {Line: 3, Message: "b"}}},
		{"an error of no line", errors.New("read rules: gone"), []LineError{{Message: "read rules: gone"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, LineErrors(tt.err))
		})
	}
}
