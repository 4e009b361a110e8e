package errclass_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/errclass"
)

func TestString(t *testing.T) {
	tests := []struct {
		class errclass.Class
		want  string
	}{
		{errclass.Permanent, "permanent"},
		{errclass.Retry, "retry"},
		{errclass.TooLarge, "too-large"},
		{errclass.Auth, "auth"},
		{errclass.Class(9), "class(9)"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			require.Equal(t, tc.want, tc.class.String())
		})
	}
	var zero errclass.Class
	require.Equal(t, errclass.Permanent, zero, "an unclassified failure is permanent")
}
