package console

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/cluebot/cluebot/transform"
)

// cells is every cell of every sheet of the workbook body, joined.
func cells(t *testing.T, body string) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	require.NoError(t, err)
	defer f.Close()
	var all strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		require.NoError(t, err)
		for _, row := range rows {
			all.WriteString(strings.Join(row, "\t") + "\n")
		}
	}
	return all.String()
}

func TestConsoleReports(t *testing.T) { onEachStore(t, testReports) }

func testReports(t *testing.T, backend string) {
	e := newEnvOn(t, backend, "")
	e.seed()
	admin, viewer := e.signIn("admin", adminPass), e.signIn("王经理", viewerPass)

	resp, body := viewer.get("/reports")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Contains(t, body, `<td>2026-03-09</td><td>3</td><td><a href="/reports/2026-03-09.xlsx" download>`)
	require.NotContains(t, body, "2026-03-08", "days without leads are not listed")

	resp, body = admin.get("/reports/2026-03-09.xlsx")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Equal(t, xlsxType, resp.Header.Get("Content-Type"))
	require.Equal(t, `attachment; filename="cluebot-2026-03-09.xlsx"`, resp.Header.Get("Content-Disposition"))
	all := cells(t, body)
	require.Contains(t, all, phonePlain, "an admin's report has whole phones")
	require.Contains(t, all, hostileName, "made from the store now")

	resp, body = admin.get("/reports/cluebot-2026-03-09.xlsx")
	require.Equal(t, http.StatusOK, resp.StatusCode, "the file's own name works too: %s", body)
	require.Equal(t, xlsxType, resp.Header.Get("Content-Type"))

	resp, body = viewer.get("/reports/2026-03-09.xlsx")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	all = cells(t, body)
	require.NotContains(t, all, phonePlain, "a viewer's report has no whole phone")
	require.NotContains(t, all, phoneHostile)
	require.Contains(t, all, transform.Mask(phonePlain))

	for name, path := range map[string]string{
		"no suffix":       "/reports/2026-03-09",
		"other suffix":    "/reports/2026-03-09.csv",
		"loose date":      "/reports/2026-3-9.xlsx",
		"no such day":     "/reports/2026-02-30.xlsx",
		"a path":          "/reports/..%2F..%2Fetc%2Fpasswd",
		"a dotted path":   "/reports/2026-03-09.xlsx%2F..%2F..%2Fgo.mod",
		"a longer string": "/reports/2026-03-09x.xlsx",
		"another prefix":  "/reports/report-2026-03-09.xlsx",
		"prefix twice":    "/reports/cluebot-cluebot-2026-03-09.xlsx",
	} {
		t.Run(name, func(t *testing.T) {
			resp, body := admin.get(path)
			require.Equal(t, http.StatusNotFound, resp.StatusCode, body)
			require.NotEqual(t, xlsxType, resp.Header.Get("Content-Type"))
		})
	}

	resp, _ = e.anon().get("/reports/2026-03-09.xlsx")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "no session: to the login")
	require.Equal(t, "/login?next=%2Freports%2F2026-03-09.xlsx", resp.Header.Get("Location"))
}
