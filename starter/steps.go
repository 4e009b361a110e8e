package starter

import (
	"fmt"
	"path/filepath"
	"strings"
)

// NextSteps is what `cluebot init` prints once the files are written into
// dir: the three steps from a starter config to leads in the chat groups:
// fill it in, run the daemon, authorize.
// The commands carry -c when dir is not the working directory.
func NextSteps(dir string) string {
	cfg := ""
	if filepath.Clean(dir) != "." {
		cfg = " -c " + quote(filepath.Join(dir, "cluebot.yaml"))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Next steps / 接下来:\n")
	fmt.Fprintf(&b, "  1. Fill in what cluebot.yaml marks 【填写】: export KS_APP_ID and KS_APP_SECRET (the developer\n"+
		"     app), set kuaishou.oauth.redirect_url (its 回调地址) and paste each robot's webhook over\n"+
		"     REPLACE_ME; then `cluebot config check%s` until it prints ok with no warning.\n", cfg)
	fmt.Fprintf(&b, "  2. `cluebot run%s` (keep it running, or as a service): it serves the authorization callback\n"+
		"     on http.listen, pulls every authorized advertiser, alerts the robots, writes the daily report.\n", cfg)
	fmt.Fprintf(&b, "  3. `cluebot auth url --agent%s` prints the authorize link: open it with the agency account\n"+
		"     and approve (if the browser cannot reach cluebot: `cluebot auth add --agent%s --code CODE`);\n"+
		"     then `cluebot accounts%s` shows every advertiser and how its pulls are doing.\n", cfg, cfg, cfg)
	return b.String()
}

// quote quotes a path for a shell when it needs it.
func quote(p string) string {
	if strings.ContainsAny(p, " \t'\"$`\\") {
		return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
	}
	return p
}
