package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/cluebot/cluebot/fileerr"
	"github.com/cluebot/cluebot/onboard"
)

// cmdAccountsImport implements `cluebot accounts import FILE.csv`: names
// for accounts, kept in the store. A bad file exits 2 naming each bad line,
// and nothing is imported; a file that cannot be read exits 1. Ids of no
// known account are imported too (an advertiser may join later) and listed.
func cmdAccountsImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("accounts import", stderr)
	if err := fs.Parse(args); err != nil {
		return parseFlags(fs, args)
	}
	if fs.NArg() != 1 {
		return usageErr("usage: cluebot accounts import [-c cluebot.yaml] FILE.csv")
	}
	file := fs.Arg(0)
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("accounts import: %w", err) // names the file
	}
	names, err := onboard.ReadNames(f, file)
	f.Close()
	var bad fileerr.List
	if errors.As(err, &bad) {
		return &exitError{code: 2, err: fmt.Errorf("nothing imported:\n%w", bad)}
	} else if err != nil {
		return err
	}
	cfg, st, err := openConfigStore(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetAccountNames(ctx, names); err != nil {
		return err
	}
	configured := make([]int64, len(cfg.Kuaishou.Accounts))
	for i, a := range cfg.Kuaishou.Accounts {
		configured[i] = a.AdvertiserID
	}
	unknown, err := onboard.UnknownIDs(ctx, st, configured, names)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d account names", len(names))
	if len(unknown) > 0 {
		fmt.Fprintf(stdout, "; %d ids are not known accounts (their names are kept for when they join): %s",
			len(unknown), showIDs(unknown, 20))
	}
	fmt.Fprintln(stdout)
	yaml := map[int64]bool{}
	for _, a := range cfg.Kuaishou.Accounts {
		yaml[a.AdvertiserID] = a.Name != ""
	}
	for _, id := range slices.Sorted(maps.Keys(names)) {
		switch {
		case yaml[id]:
			fmt.Fprintf(stderr, "note: advertiser %d has a name in kuaishou.accounts, which wins over the import\n", id)
		case cfg.Kuaishou.AccountNames[id] != "":
			fmt.Fprintf(stderr, "note: advertiser %d is named in kuaishou.account_names, which wins over the import\n", id)
		}
	}
	return nil
}

// showIDs lists ids comma-separated, the first max of them and how many more.
func showIDs(ids []int64, max int) string {
	parts := make([]string, 0, min(len(ids), max)+1)
	for _, id := range ids[:min(len(ids), max)] {
		parts = append(parts, strconv.FormatInt(id, 10))
	}
	if len(ids) > max {
		parts = append(parts, fmt.Sprintf("… (%d more)", len(ids)-max))
	}
	return strings.Join(parts, ", ")
}
