package console

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLineDiff(t *testing.T) {
	cases := []struct {
		name     string
		old, new string
		want     []diffLine
	}{
		{name: "same", old: "a\nb\n", new: "a\nb\n",
			want: []diffLine{{" ", 1, 1, "a"}, {" ", 2, 2, "b"}}},
		{name: "a line removed", old: "a\nb\nc\n", new: "a\nc\n",
			want: []diffLine{{" ", 1, 1, "a"}, {"-", 2, 0, "b"}, {" ", 3, 2, "c"}}},
		{name: "a line changed, no end at the last", old: "a\nb", new: "a\nB",
			want: []diffLine{{" ", 1, 1, "a"}, {"-", 2, 0, "b"}, {"+", 0, 2, "B"}}},
		{name: "from nothing", old: "", new: "x\n",
			want: []diffLine{{"+", 0, 1, "x"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, lineDiff(tc.old, tc.new))
		})
	}
}
