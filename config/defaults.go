package config

import "github.com/cluebot/cluebot/fetch"

// defaults holds every default value of cluebot.yaml, in one place. Keys
// are koanf paths.
var defaults = map[string]any{
	"timezone":                     "Asia/Shanghai",
	"store.driver":                 "sqlite",
	"store.dsn":                    "data/cluebot.db",
	"store.retention":              "0s",
	"kuaishou.base_url":            "https://ad.e.kuaishou.com",
	"kuaishou.page_size":           200,
	"kuaishou.poll_interval":       "1m",
	"kuaishou.lookback":            "1h",
	"kuaishou.backfill":            "24h",
	"kuaishou.window":              "24h",
	"kuaishou.qps":                 5.0,
	"kuaishou.concurrency":         4,
	"kuaishou.timeout":             "15s",
	"kuaishou.retries":             5,
	"kuaishou.retry_backoff":       "500ms",
	"kuaishou.retry_max":           "30s",
	"kuaishou.refresh_ahead":       "30m",
	"kuaishou.max_staleness":       "5m",
	"kuaishou.hot_window":          "30m",
	"kuaishou.calls_per_minute":    0,
	"kuaishou.oauth.authorize_url": fetch.DefaultAuthorizeURL,
	"kuaishou.discover_interval":   "1h",
	"kuaishou.silent_after":        "72h",
	"kuaishou.write_back":          false,
	"rules":                        "rules.yaml",
	"templates":                    "templates",
	"report.schedule":              "0 9 * * *",
	"report.out_dir":               "reports",
	"http.listen":                  "",
	"http.metrics_token":           "",
	"alerts.max_age":               "24h",
	"alerts.lease":                 "2m",
	"alerts.retry_backoff":         "15s",
	"alerts.retry_max":             "10m",
	"log.level":                    "info",
	"log.format":                   "auto",
}
