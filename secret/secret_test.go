package secret

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStringRedacts(t *testing.T) {
	s := String("tok-123456")
	require.Equal(t, "tok-123456", s.Reveal())
	for name, got := range map[string]string{
		"%v":  fmt.Sprintf("%v", s),
		"%s":  fmt.Sprintf("%s", s),
		"%#v": fmt.Sprintf("%#v", s),
		"%+v": fmt.Sprintf("%+v", struct{ S String }{s}),
	} {
		require.NotContains(t, got, "tok-123456", name)
	}
	b, err := json.Marshal(map[string]String{"k": s})
	require.NoError(t, err)
	require.NotContains(t, string(b), "tok-123456")

	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "token", s)
	require.NotContains(t, buf.String(), "tok-123456")
	require.Contains(t, buf.String(), Redacted)
	require.Equal(t, "", String("").String())
}

func TestScrubber(t *testing.T) {
	var sc Scrubber
	sc.Add("abcdef", "", "x")
	require.Equal(t, "url?key="+Redacted+"&x=1", sc.Scrub("url?key=abcdef&x=1"))
	var nilSc *Scrubber
	require.Equal(t, "a", nilSc.Scrub("a"))
}
