package main

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/fetch"
	"github.com/cluebot/cluebot/secret"
)

// asMain makes the test binary run kssim with the arguments in it, split on
// spaces, instead of the tests.
const asMain = "KSSIM_TEST_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(asMain); args != "" {
		os.Args = append([]string{"kssim"}, strings.Fields(args)...)
		main()
		return
	}
	os.Exit(m.Run())
}

// startKssim runs kssim with args and returns what it printed up to the
// line starting with until.
func startKssim(t *testing.T, args, until string) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), asMain+"="+args)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var lines []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.HasPrefix(sc.Text(), until) {
			return lines
		}
	}
	t.Fatalf("kssim printed no %q line: %q", until, lines)
	return nil
}

// TestAgencyOnboardingByHand follows the printed instructions: get a code
// from the authorize page as the curl line does, exchange it, and list the
// agency's advertisers, with cluebot's own client.
func TestAgencyOnboardingByHand(t *testing.T) {
	lines := startKssim(t, "-listen 127.0.0.1:0 -accounts 0 -agency 1200 -agency-id 19000000 -first-id 30000000 -clues 100",
		"# and run `cluebot auth add")
	text := strings.Join(lines, "\n")
	base := regexp.MustCompile(`base_url: (\S+)`).FindStringSubmatch(text)[1]
	require.Contains(t, text, "authorize_url: "+base+"/tools/authorize")
	require.NotContains(t, text, "accounts:", "no YAML accounts with -accounts 0")
	page := regexp.MustCompile(`'(http://[^']+/tools/authorize\?[^']+)'`).FindStringSubmatch(text)[1]

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(page)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	code := loc.Query().Get("auth_code")
	require.NotEmpty(t, code)

	cfg := &fetch.Config{BaseURL: base, AppID: 4242, Secret: secret.String("kssim-app-secret"), Timeout: 5 * time.Second,
		Retries: 1, RetryBackoff: time.Millisecond, RetryMax: time.Millisecond}
	c := fetch.NewClient(cfg, nil, nil)
	ctx := context.Background()
	g, err := c.ExchangeCode(ctx, code)
	require.NoError(t, err)
	require.Equal(t, int64(19000000), g.AdvertiserID)
	ids, err := c.ApprovalList(ctx, g.AccessToken)
	require.NoError(t, err)
	require.Len(t, ids, 1200, "two pages of 1000 and the one past the end")
	require.Equal(t, int64(30000000), ids[0])
	require.Equal(t, int64(30001199), ids[1199])

	_, err = c.ExchangeCode(ctx, code)
	require.True(t, fetch.IsAuth(err), "the code was spent: %v", err)
}
