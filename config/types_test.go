package config

import (
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWrongTypesNameFileLineKey edits testdata/full.yaml to put a value of
// the wrong type (or sign) under a key: each problem is reported, alone, as
// cluebot.yaml:LINE: key: message, never decoded into something else.
func TestWrongTypesNameFileLineKey(t *testing.T) {
	base, err := os.ReadFile("testdata/full.yaml")
	require.NoError(t, err)
	tests := []struct {
		name, from, to, want string
	}{
		// Whole numbers.
		{"word for a number", "page_size: 200", "page_size: many", `cluebot.yaml:9: kuaishou.page_size: want a whole number, not "many"`},
		{"fraction for a whole number", "page_size: 200", "page_size: 2.5", "cluebot.yaml:9: kuaishou.page_size: want a whole number, not 2.5"},
		{"bool for a number", "page_size: 200", "page_size: true", "cluebot.yaml:9: kuaishou.page_size: want a whole number, not true"},
		{"list for a number", "page_size: 200", "page_size: [1, 2]", "cluebot.yaml:9: kuaishou.page_size: want a whole number, not a list"},
		{"mapping for a number", "page_size: 200", "page_size: {a: 1}", "cluebot.yaml:9: kuaishou.page_size: want a whole number, not a mapping"},
		{"overflowing number", "page_size: 200", "page_size: 99999999999999999999", "cluebot.yaml:9: kuaishou.page_size: 1e+20 is out of range"},
		{"overflowing quoted number", "app_id: 1001", `app_id: "99999999999999999999"`, `cluebot.yaml:7: kuaishou.app_id: "99999999999999999999" is out of range`},
		{"negative page size", "page_size: 200", "page_size: -5", "cluebot.yaml:9: kuaishou.page_size: -5 is not within 1..500"},
		{"negative retries", "  qps: 5", "  qps: 5\n  retries: -3", "cluebot.yaml:14: kuaishou.retries: must not be negative"},
		{"negative app id", "app_id: 1001", "app_id: -1001", "cluebot.yaml:7: kuaishou.app_id: -1001 is not an app id"},
		{"negative per_second", "    mask_phone: true", "    mask_phone: true\n    per_second: -1", "cluebot.yaml:25: receivers.henan-sales.per_second: must not be negative"},
		{"negative id", "- advertiser_id: 20006545", "- advertiser_id: -20006545", "cluebot.yaml:15: kuaishou.accounts.0.advertiser_id: must be a positive id"},
		// Numbers.
		{"word for a float", "qps: 5", "qps: fast", `cluebot.yaml:13: kuaishou.qps: want a number, not "fast"`},
		{"not a number", "qps: 5", "qps: .nan", "cluebot.yaml:13: kuaishou.qps: want a finite number, not NaN"},
		{"infinity", "qps: 5", "qps: .inf", "cluebot.yaml:13: kuaishou.qps: want a finite number, not +Inf"},
		{"beyond float range", "qps: 5", "qps: 1e400", `cluebot.yaml:13: kuaishou.qps: want a finite number, not "1e400"`},
		{"negative qps", "qps: 5", "qps: -1", "cluebot.yaml:13: kuaishou.qps: must not be negative (0 means unlimited)"},
		// Durations.
		{"unknown unit", "poll_interval: 1m", "poll_interval: 5 parsecs", `cluebot.yaml:10: kuaishou.poll_interval: invalid duration "5 parsecs" (use 30s, 5m, 1h or 7d)`},
		{"no unit", "lookback: 1h", "lookback: 3600", "cluebot.yaml:11: kuaishou.lookback: invalid duration 3600: give a unit (30s, 5m, 1h or 7d)"},
		{"NaN days", "backfill: 2d", "backfill: NaNd", `cluebot.yaml:12: kuaishou.backfill: invalid duration "NaNd"`},
		{"too many days", "backfill: 2d", "backfill: 1e300d", `cluebot.yaml:12: kuaishou.backfill: invalid duration "1e300d"`},
		{"list for a duration", "poll_interval: 1m", "poll_interval: [1m]", "cluebot.yaml:10: kuaishou.poll_interval: want a duration like 30s, 5m, 1h or 7d, not a list"},
		{"bool for a duration", "poll_interval: 1m", "poll_interval: true", "cluebot.yaml:10: kuaishou.poll_interval: want a duration like 30s, 5m, 1h or 7d, not true"},
		{"negative duration", "lookback: 1h", "lookback: -1h", "cluebot.yaml:11: kuaishou.lookback: must not be negative"},
		{"negative days", "backfill: 2d", "backfill: -2d", "cluebot.yaml:12: kuaishou.backfill: must be positive"},
		// Bools.
		{"maybe for a bool", "    mask_phone: true", "    mask_phone: maybe", `cluebot.yaml:24: receivers.henan-sales.mask_phone: want true or false, not "maybe"`},
		{"yes for a bool", "    mask_phone: true", "    mask_phone: yes", `cluebot.yaml:24: receivers.henan-sales.mask_phone: want true or false, not "yes"`},
		{"number for a bool", "    mask_phone: true", "    mask_phone: 2", "cluebot.yaml:24: receivers.henan-sales.mask_phone: want true or false, not 2"},
		{"list for a bool", "  out_dir: reports", "  out_dir: reports\n  mask_phone: [true]", "cluebot.yaml:33: report.mask_phone: want true or false, not a list"},
		// Shapes.
		{"mapping for a list", "  accounts:\n", "  accounts: {a: 1}\n  x:\n", "cluebot.yaml:14: kuaishou.accounts: want a list, not a mapping"},
		{"mapping for a list of names", "receivers: [managers]", "receivers: {a: managers}", "cluebot.yaml:33: report.receivers: want a list, not a mapping"},
		{"list for a mapping", "store:\n  driver: sqlite\n  dsn: data/cluebot.db", "store: [sqlite]", "cluebot.yaml:2: store: want a mapping, not a list"},
		{"number for a section", "http:\n  listen: 127.0.0.1:9100", "http: 8080", "cluebot.yaml:34: http: want a mapping, not 8080"},
		{"list of receivers", "receivers:\n  henan-sales:", "receivers: [henan-sales]\nold:\n  henan-sales:", "cluebot.yaml:19: receivers: want a mapping, not a list"},
		{"list for a string", "      name: 郑州宝马", "      name: [a, b]", "cluebot.yaml:16: kuaishou.accounts.0.name: want a single value, not a list"},
		{"mapping for a string", "timezone: Asia/Shanghai", "timezone: {a: b}", "cluebot.yaml:1: timezone: want a single value, not a mapping"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(string(base), tc.from, tc.to, 1)
			require.NotEqual(t, string(base), text, "the edit applies")
			_, err := Parse("cluebot.yaml", []byte(text), lookupFrom(testEnv), nil)
			require.Error(t, err)
			require.True(t, IsInvalid(err))
			lines := strings.Split(err.Error(), "\n")
			require.Equal(t, tc.want, lines[0], "all: %s", err)
			for _, l := range lines {
				require.Regexp(t, `^cluebot\.yaml:[1-9][0-9]*: [a-z_.0-9-]+: \S`, l)
			}
		})
	}
}

// TestRightTypesStillDecode: values that spell the right type, in the file
// or from the environment (where everything is a string), still decode.
func TestRightTypesStillDecode(t *testing.T) {
	base, err := os.ReadFile("testdata/full.yaml")
	require.NoError(t, err)
	text := strings.NewReplacer("page_size: 200", `page_size: "300"`, "qps: 5", "qps: 2.5",
		"poll_interval: 1m", "poll_interval: 90s", "backfill: 2d", "backfill: 0.5d", "    mask_phone: true",
		`    mask_phone: "false"`, "      name: 郑州宝马", "      name: 4008").Replace(string(base))
	cfg, err := Parse("cluebot.yaml", []byte(text), lookupFrom(testEnv),
		[]string{"CLUEBOT_KUAISHOU__RETRIES=7", "CLUEBOT_REPORT__MASK_PHONE=1",
			"CLUEBOT_KUAISHOU__CONCURRENCY= 3 "})
	require.NoError(t, err)
	require.Equal(t, 300, cfg.Kuaishou.PageSize)
	require.Equal(t, 2.5, cfg.Kuaishou.QPS)
	require.Equal(t, "1m30s", cfg.Kuaishou.PollInterval.String())
	require.Equal(t, "12h0m0s", cfg.Kuaishou.Backfill.String())
	rc := cfg.Receivers["henan-sales"]
	require.False(t, rc.MasksPhone())
	require.Equal(t, "4008", cfg.Kuaishou.Accounts[0].Name, "a number where a string belongs is its text")
	require.Equal(t, 7, cfg.Kuaishou.Retries)
	require.Equal(t, 3, cfg.Kuaishou.Concurrency)
	require.True(t, cfg.Report.MaskPhone)

	_, err = Parse("cluebot.yaml", []byte(text), lookupFrom(testEnv), []string{"CLUEBOT_KUAISHOU__TIMEOUT=30"})
	require.EqualError(t, err, `cluebot.yaml:5: kuaishou.timeout: invalid duration "30" (use 30s, 5m, 1h or 7d) (set by CLUEBOT_KUAISHOU__TIMEOUT)`,
		"an override with no unit is refused too, at the section's line, naming the variable")
}

func TestWholeNumberRange(t *testing.T) {
	tests := []struct {
		name string
		in   any
		bits int
		want any // an int64, or the error's text
	}{
		{"largest int64", int64(math.MaxInt64), 64, int64(math.MaxInt64)},
		{"smallest int64", int64(math.MinInt64), 64, int64(math.MinInt64)},
		{"uint64 over int64", uint64(math.MaxInt64) + 1, 64, "9223372036854775808 is out of range"},
		{"int over int32", 1 << 31, 32, "2147483648 is out of range"},
		{"whole float", 3.0, 64, int64(3)},
		{"float of 2^63", math.Ldexp(1, 63), 64, "9.223372036854776e+18 is out of range"},
		{"quoted with spaces", " 42 ", 64, int64(42)},
		{"quoted fraction", "4.2", 64, `want a whole number, not "4.2"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := wholeNumber(reflect.ValueOf(tc.in), tc.bits)
			if want, ok := tc.want.(string); ok {
				require.EqualError(t, err, want)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}
