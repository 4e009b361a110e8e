package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// entries lists a folder's file names.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteCreatesPrivateFileAndFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "report.xlsx")
	require.NoError(t, Write(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "the report")
		return err
	}))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "the report", string(got))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	dir, err := os.Stat(filepath.Dir(path))
	require.NoError(t, err)
	if runtime.GOOS != "windows" {
		require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
		require.Equal(t, os.FileMode(0o700), dir.Mode().Perm())
	}
	require.Equal(t, []string{"report.xlsx"}, entries(t, filepath.Dir(path)))
}

func TestFailedWriteKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.xlsx")
	require.NoError(t, os.WriteFile(path, []byte("yesterday's good report"), 0o600))
	boom := errors.New("store gone")
	err := Write(path, func(w io.Writer) error {
		_, _ = io.WriteString(w, "half of a new one")
		return boom
	})
	require.ErrorIs(t, err, boom)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "yesterday's good report", string(got))
	require.Equal(t, []string{"report.xlsx"}, entries(t, dir), "no temporary file left")
}

func TestWriteReplacesTheFileWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.jsonl")
	require.NoError(t, os.WriteFile(path, []byte("a much longer old content than the new one\n"), 0o644))
	var seen []byte
	require.NoError(t, Write(path, func(w io.Writer) error {
		// While writing, the destination still holds the old content.
		var err error
		seen, err = os.ReadFile(path)
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, "new\n")
		return err
	}))
	require.Equal(t, "a much longer old content than the new one\n", string(seen))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "new\n", string(got))
}

func TestWriteRemovesStaleTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	mk := func(name string, mtime time.Time) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte("x"), 0o600))
		require.NoError(t, os.Chtimes(p, mtime, mtime))
		return p
	}
	mk(".cluebot-123.tmp", old)                       // a killed run's: removed
	mk(".cluebot-456.xlsx.tmp", old)                  // an older version's name: removed
	mk(".cluebot-report-state-7.tmp", old)            // the report state's: removed
	mk(".cluebot-789.tmp", time.Now().Add(time.Hour)) // newer than this run: kept
	mk("other.tmp", old)                              // not cluebot's: kept
	mk(".cluebot-notes.txt", old)                     // not a temporary file: kept
	held := mk(".cluebot-live.tmp", old)              // a live run holds it: kept
	f, err := os.OpenFile(held, os.O_RDWR, 0)
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, lock(f))

	require.NoError(t, Write(filepath.Join(dir, "cluebot-2024-05-01.xlsx"), func(w io.Writer) error {
		_, err := io.WriteString(w, "ok")
		return err
	}))
	want := []string{".cluebot-789.tmp", ".cluebot-notes.txt", "cluebot-2024-05-01.xlsx", "other.tmp"}
	if runtime.GOOS == "linux" || runtime.GOOS == "darwin" {
		want = append([]string{".cluebot-live.tmp"}, want...)
	}
	require.ElementsMatch(t, want, entries(t, dir))
}

func TestRemoveStaleReportsWhatItRemoved(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".cluebot-1.tmp")
	require.NoError(t, os.WriteFile(p, nil, 0o600))
	removed, err := RemoveStale(dir, time.Now().Add(time.Minute))
	require.NoError(t, err)
	require.Equal(t, []string{p}, removed)
	_, err = RemoveStale(filepath.Join(dir, "missing"), time.Now())
	require.ErrorIs(t, err, os.ErrNotExist)
}

// TestCreateNeverReplaces: Create writes a new private file whole, and
// refuses, leaving it as it was and no temporary file behind, a file that
// was there before or appeared while it wrote.
func TestCreateNeverReplaces(t *testing.T) {
	for _, tc := range []struct {
		name     string
		before   string // content already at path; "" for none
		meantime string // content put at path while Create writes; "" for none
		want     string
	}{
		{"new file", "", "", "starter"},
		{"existing file", "admin's config", "", "admin's config"},
		{"file made meanwhile", "", "another run's config", "another run's config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "etc")
			path := filepath.Join(dir, "cluebot.yaml")
			if tc.before != "" {
				require.NoError(t, os.MkdirAll(dir, 0o700))
				require.NoError(t, os.WriteFile(path, []byte(tc.before), 0o644))
			}
			err := Create(path, func(w io.Writer) error {
				if tc.meantime != "" {
					require.NoError(t, os.WriteFile(path, []byte(tc.meantime), 0o644))
				}
				_, err := io.WriteString(w, "starter")
				return err
			})
			if tc.before == "" && tc.meantime == "" {
				require.NoError(t, err)
				fi, err := os.Stat(path)
				require.NoError(t, err)
				if runtime.GOOS != "windows" {
					require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
				}
			} else {
				require.ErrorIs(t, err, fs.ErrExist)
				require.Contains(t, err.Error(), path)
			}
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, tc.want, string(got))
			require.Equal(t, []string{"cluebot.yaml"}, entries(t, dir), "no temporary file left")
		})
	}
}
