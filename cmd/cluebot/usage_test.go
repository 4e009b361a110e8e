package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestUsageNamesEveryExportFormat: the command list says what the contract
// says export writes, xlsx included.
func TestUsageNamesEveryExportFormat(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"--help"}, &out, &errb))
	var line string
	for _, l := range strings.Split(out.String()+errb.String(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "export ") {
			line = l
		}
	}
	require.Contains(t, line, "jsonl, csv or xlsx")
}
