package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAuthAddAgainForAnExistingAuthorization: `auth add --code` for an
// authorization already stored (the vendor retires its old token) stores
// the new pair and lists the advertisers with it.
func TestAuthAddAgainForAnExistingAuthorization(t *testing.T) {
	tr := newTrial(t, 0, 1)
	tr.sim.AddAgency(19000000, 40000001, 40000002, 40000003)
	for _, code := range []string{"code-agency-1", "code-agency-2"} {
		tr.sim.AddAgencyAuthCode(code, 19000000)
		status, out, errs := tr.run("auth", "add", "--code", code)
		require.Equal(t, 0, status, errs)
		require.Contains(t, out, "3 advertisers")
	}
	status, out, errs := tr.run("auth", "list")
	require.Equal(t, 0, status, errs)
	require.Contains(t, out, "ok")
}
