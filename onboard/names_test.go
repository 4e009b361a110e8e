package onboard_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/onboard"
)

func TestReadNames(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       map[int64]string
		errs       []string
	}{
		{name: "bom and header", text: "\ufeffadvertiser_id,name\r\n1001,郑州宝马\r\n1002,\"Acme, Inc.\"\r\n",
			want: map[int64]string{1001: "郑州宝马", 1002: "Acme, Inc."}},
		{name: "no header", text: "1001, 洛阳奥迪 \n", want: map[int64]string{1001: "洛阳奥迪"}},
		{name: "empty file", text: "", want: map[int64]string{}},
		{name: "bad lines", text: "advertiser_id,name\n1001,好\nabc,坏\n1003\n1004,\n1001,别名\n",
			errs: []string{
				`n.csv:3: advertiser_id: "abc" is not a positive advertiser id`,
				"n.csv:4: want 2 columns (advertiser_id,name), got 1",
				"n.csv:5: name: empty name for advertiser 1004",
				`n.csv:6: advertiser_id: advertiser 1001 named twice ("好" and "别名")`,
			}},
		{name: "not utf-8", text: "1001,\xd6\xa3\xd6\xdd\n", errs: []string{"n.csv: not UTF-8 (save the file as CSV UTF-8)"}},
		{name: "bad quote", text: "1001,\"open\n", errs: []string{"n.csv:1:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := onboard.ReadNames(strings.NewReader(tc.text), "n.csv")
			if tc.errs == nil {
				require.NoError(t, err)
				require.Equal(t, tc.want, got)
				return
			}
			require.Error(t, err)
			require.Nil(t, got, "all or nothing")
			lines := strings.Split(err.Error(), "\n")
			require.Len(t, lines, len(tc.errs), err.Error())
			for i, want := range tc.errs {
				require.True(t, strings.HasPrefix(lines[i], want), "%q should start with %q", lines[i], want)
			}
		})
	}
}
