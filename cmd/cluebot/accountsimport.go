package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/cluebot/cluebot/fileerr"
	"github.com/cluebot/cluebot/onboard"
)

// cmdAccountsImport implements `cluebot accounts import FILE.csv`: names
// for accounts, kept in the store. A bad file exits 2 naming each bad line,
// and nothing is imported.
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
		return usageErr("%v", err)
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
	fmt.Fprintf(stdout, "imported %d account names\n", len(names))
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
