#!/usr/bin/env bash
# vulncheck.sh: run govulncheck over every package of this module.
#
# govulncheck normally fetches its database from https://vuln.go.dev. This
# machine may have no internet access but does reach the Go module proxy,
# which serves golang.org/x/vulndb: the Go vulnerability reports, already
# converted to OSV JSON in data/osv, plus vulndb's own tooling. We build a
# local v1 database (index/{db,modules,vulns}.json, ID/GO-*.json, each also
# gzipped) from that data with vulndb's cmd/indexdb, cache it keyed by the
# vulndb version, and point `govulncheck -db file://...` at it.
#
# Environment:
#   VULNDB          use this database instead (a URL such as https://vuln.go.dev
#                   or file:///abs/path, or a plain directory path); nothing is built.
#   VULNDB_VERSION  golang.org/x/vulndb version to build the local DB from.
#   VULNDB_CACHE    where built databases are kept (default: next to GOCACHE,
#                   i.e. usually ~/.cache/cluebot-vulndb).
#   GO              go command to use (default: go).
#
# Exit status: that of govulncheck, non-zero when vulnerabilities are found
# (3) or the scan fails.
set -eu

GO=${GO:-go}
GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.9.0
VULNDB_VERSION=${VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}

# Scan from the repository root, whatever the caller's working directory.
cd "$(dirname "$0")/.."
root=$(pwd)

# db_modified DIR: the "modified" timestamp recorded in DIR/index/db.json.
db_modified() {
	sed -n 's/.*"modified":"\([^"]*\)".*/\1/p' "$1/index/db.json"
}

# build_db DEST: build the local database from golang.org/x/vulndb into DEST.
build_db() {
	dest=$1
	parent=$(dirname "$dest")
	mkdir -p "$parent"
	work=$(mktemp -d "$parent/.build.XXXXXX")
	# Remove the half-built database if anything below fails.
	trap 'rm -rf "$work"' EXIT

	# Download the vulndb module outside of any module (so neither our
	# go.mod/go.sum nor a go.work is consulted or touched) and read where it
	# went and its commit time. The module has no git history, so its OSV
	# files carry zero "modified" dates; the commit time is the snapshot date.
	info=$(cd "$work" && GOWORK=off "$GO" mod download -json "golang.org/x/vulndb@$VULNDB_VERSION")
	dir=$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
	infofile=$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Info": "\(.*\)",*$/\1/p')
	snapshot=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$infofile")
	if [ ! -d "$dir/data/osv" ]; then
		echo "vulncheck: golang.org/x/vulndb@$VULNDB_VERSION has no data/osv" >&2
		exit 1
	fi

	# vulndb's own generator: it loads every OSV file, validates it and
	# writes the v1 layout (indexes plus one entry per ID). cmd/gendb would
	# need the git repository, which the module zip does not include.
	echo "vulncheck: building local vulnerability DB from golang.org/x/vulndb@$VULNDB_VERSION (first run only)" >&2
	(cd "$work" && GOWORK=off "$GO" run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" \
		-vulns "$dir/data/osv" -out "$work/db")

	# indexdb dates the DB by its newest entry; all entries here are dated
	# 0001-01-01, so record the vulndb commit time instead.
	if [ "$(db_modified "$work/db")" = "0001-01-01T00:00:00Z" ] && [ -n "$snapshot" ]; then
		printf '{"modified":"%s"}' "$snapshot" >"$work/db/index/db.json"
		gzip -9 -n -c "$work/db/index/db.json" >"$work/db/index/db.json.gz"
	fi

	# Publish by rename so a complete DB appears at once. If a concurrent run
	# got there first, keep its copy.
	if [ ! -e "$dest" ]; then
		mv "$work/db" "$dest"
	fi
	rm -rf "$work"
	trap - EXIT
}

if [ -n "${VULNDB:-}" ]; then
	# Override: use the given database as is.
	case $VULNDB in
	/*) db_url="file://$VULNDB" ;;
	*) db_url=$VULNDB ;;
	esac
	case $db_url in
	file://*) modified=$(db_modified "${db_url#file://}" 2>/dev/null || true) ;;
	http://* | https://*) modified=$(curl -fsSL --max-time 30 "${db_url%/}/index/db.json.gz" 2>/dev/null |
		gzip -dc 2>/dev/null | sed -n 's/.*"modified":"\([^"]*\)".*/\1/p' || true) ;;
	*) modified= ;;
	esac
	echo "vulncheck: using DB $db_url (from VULNDB; last modified ${modified:-unknown})"
else
	# Cache next to the Go build cache (usually ~/.cache/cluebot-vulndb).
	if [ -z "${VULNDB_CACHE:-}" ]; then
		gocache=$("$GO" env GOCACHE)
		case $gocache in
		/*) VULNDB_CACHE=$(dirname "$gocache")/cluebot-vulndb ;;
		*) VULNDB_CACHE=${HOME:?}/.cache/cluebot-vulndb ;; # GOCACHE=off or unset
		esac
	fi
	db_dir=$VULNDB_CACHE/$VULNDB_VERSION
	if [ ! -f "$db_dir/index/modules.json" ]; then
		build_db "$db_dir"
	fi
	db_url=file://$db_dir
	echo "vulncheck: using offline DB golang.org/x/vulndb@$VULNDB_VERSION at $db_url" \
		"(last modified $(db_modified "$db_dir"); may miss newer advisories, set VULNDB=https://vuln.go.dev when online)"
fi

# govulncheck exits 3 when it finds vulnerabilities our code can reach.
cd "$root"
exec "$GO" run "$GOVULNCHECK" -db "$db_url" ./...
