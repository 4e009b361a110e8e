package rulesdiff

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cluebot/cluebot/store"
)

// step is one event of a rules history: the file read (adopt) or a save
// from the console by admin.
type step struct {
	adopt    string
	save     string
	readOnly bool // the save cannot write the file
}

func TestRulesAdopt(t *testing.T) {
	const a, b, c = "routes: [a]\n", "routes: [b]\n", "routes: [c]\n"
	tests := []adoptCase{
		{name: "an empty store takes the file as the first version",
			steps: []step{{adopt: a}}, inForce: a, author: store.AuthorFile, versions: 1, fileSeenIs: a},
		{name: "the same file read again is no new version",
			steps: []step{{adopt: a}, {adopt: a}, {adopt: a}}, inForce: a, author: store.AuthorFile, versions: 1, fileSeenIs: a},
		{name: "an edited file is a new version",
			steps: []step{{adopt: a}, {adopt: b}}, inForce: b, author: store.AuthorFile, versions: 2, fileSeenIs: b},
		{name: "a console save then the file it wrote is recorded once",
			steps: []step{{adopt: a}, {save: b}, {adopt: b}}, inForce: b, author: "admin", versions: 2, fileAfter: b, fileSeenIs: b},
		{name: "a read-only file older than a console save never reverts it",
			steps: []step{{adopt: a}, {save: b, readOnly: true}, {adopt: a}, {adopt: a}}, inForce: b, author: "admin", versions: 2, fileSeenIs: a},
		{name: "a read-only file edited after a console save is a new version",
			steps: []step{{adopt: a}, {save: b, readOnly: true}, {adopt: c}}, inForce: c, author: store.AuthorFile, versions: 3, fileSeenIs: c},
		{name: "the file edited back to an older text after a save is a new version",
			steps: []step{{adopt: a}, {save: b}, {adopt: a}}, inForce: a, author: store.AuthorFile, versions: 3, fileSeenIs: a},
		{name: "a save before the file was ever read, then the file",
			steps: []step{{save: b}, {adopt: b}}, inForce: b, author: "admin", versions: 1, fileAfter: b, fileSeenIs: b},
	}
	backends := []struct {
		name string
		open func(t testing.TB) store.RulesHistory
	}{
		{"sqlite", func(t testing.TB) store.RulesHistory { return openSQLite(t) }},
		{"postgres", func(t testing.TB) store.RulesHistory { return openPostgres(t) }},
	}
	for _, be := range backends {
		for _, tt := range tests {
			t.Run(be.name+"/"+tt.name, func(t *testing.T) {
				testAdopt(t, be.open(t), tt)
			})
		}
	}
}

// adoptCase is one case of TestAdopt: the steps, then what holds.
type adoptCase struct {
	name       string
	steps      []step
	inForce    string
	author     string
	versions   int
	fileAfter  string // the file's text at the end, when the saves write it
	fileSeenIs string
}

// testAdopt plays tt's steps on st and checks the outcome.
func testAdopt(t *testing.T, st store.RulesHistory, tt adoptCase) {
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "rules.yaml")
	blocked := filepath.Join(dir, "not-a-dir")
	require.NoError(t, os.WriteFile(blocked, nil, 0o600))
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	for i, s := range tt.steps {
		now = now.Add(time.Minute)
		if s.adopt != "" {
			v, err := Adopt(ctx, st, path, s.adopt, now)
			require.NoError(t, err, "step %d", i)
			in, err := st.RulesInForce(ctx)
			require.NoError(t, err)
			require.Equal(t, in.ID, v.ID, "Adopt returns the version in force")
			continue
		}
		target := path
		if s.readOnly {
			target = filepath.Join(blocked, "rules.yaml")
		}
		id, err := Save(ctx, st, store.RulesVersion{Author: "admin", Comment: "step", At: now, Text: s.save}, target)
		if s.readOnly {
			var fe *FileError
			require.ErrorAs(t, err, &fe)
		} else {
			require.NoError(t, err)
		}
		require.NotEmpty(t, id)
	}
	in, err := st.RulesInForce(ctx)
	require.NoError(t, err)
	require.Equal(t, tt.inForce, in.Text)
	require.Equal(t, tt.author, in.Author)
	list, err := st.RulesVersions(ctx, 0)
	require.NoError(t, err)
	require.Len(t, list, tt.versions)
	seen, err := st.RulesFileSeen(ctx)
	require.NoError(t, err)
	require.Equal(t, store.RulesHash(tt.fileSeenIs), seen)
	if tt.fileAfter != "" {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, tt.fileAfter, string(b))
	}
}

func TestRulesSaveKeepsFileMode(t *testing.T) {
	st := openSQLite(t)
	path := filepath.Join(t.TempDir(), "rules.yaml")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o640))
	_, err := Save(t.Context(), st, store.RulesVersion{Author: "admin", At: time.Now(), Text: "new"}, path)
	require.NoError(t, err)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o640), fi.Mode().Perm())
}
