package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAccountsImportNamesUnknownIDs: ids of no known account are imported
// and listed; a file that cannot be read exits 1 naming it.
func TestAccountsImportNamesUnknownIDs(t *testing.T) {
	tr := newTrial(t, 0, 1) // configures advertiser 30000001
	tr.sim.AddAgency(19000000, 40000001, 40000002)
	tr.sim.AddAgencyAuthCode("code-agency-1", 19000000)
	code, _, errs := tr.run("auth", "add", "--code", "code-agency-1")
	require.Equal(t, 0, code, errs)

	csvPath := filepath.Join(tr.dir, "names.csv")
	require.NoError(t, os.WriteFile(csvPath, []byte("30000001,自有\n40000002,郑州宝马\n99999999,unknown\n88888888,也不认识\n"), 0o600))
	code, out, errs := tr.run("accounts", "import", csvPath)
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "imported 4 account names; 2 ids are not known accounts")
	require.Contains(t, out, ": 88888888, 99999999\n")

	code, out, errs = tr.run("accounts", "import", filepath.Join(tr.dir, "missing.csv"))
	require.Equal(t, 1, code, out)
	require.Contains(t, errs, "missing.csv")
}
