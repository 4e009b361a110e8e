#!/usr/bin/env bash
# fuzz.sh runs every Go fuzz target of the module, one after another, for
# $FUZZTIME each (seconds; default 10), and stops at the first failure with
# go test's exit status. New interesting inputs are minimized for at most
# $FUZZMINIMIZETIME (default 5s, not go test's 60s, which would eat a short
# run). Targets are found by grepping `func Fuzz` in the
# module's *_test.go files, so a new target needs no edit here.
#
#   scripts/fuzz.sh                 # 10 s per target
#   FUZZTIME=60 scripts/fuzz.sh     # a minute per target
#   FUZZTIME=500x scripts/fuzz.sh   # 500 executions per target (any -fuzztime value works)
#   GO=go1.26 scripts/fuzz.sh -fuzzminimizetime 5s   # extra arguments go to go test
#
# A failing input is written to PKG/testdata/fuzz/FuzzName/ by go test; keep
# it there and it becomes a regression seed that `go test ./...` runs.
set -euo pipefail

cd "$(dirname "$0")/.."

go_cmd="${GO:-go}"
fuzztime="${FUZZTIME:-10}"
minimize="${FUZZMINIMIZETIME:-5s}"
if [[ "$fuzztime" =~ ^[0-9]+$ ]]; then
	fuzztime="${fuzztime}s"
fi

# "DIR NAME" for every fuzz target, sorted so runs are reproducible.
targets=$(grep -rEo --include='*_test.go' --exclude-dir=testdata --exclude-dir=vendor --exclude-dir=.git \
	'^func Fuzz[A-Za-z0-9_]*\(' . |
	sed -E 's#^(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]*)\($#\1 \2#' | sort -u)

if [[ -z "$targets" ]]; then
	echo "fuzz.sh: no fuzz targets found" >&2
	exit 1
fi

count=$(wc -l <<<"$targets")
echo "fuzz.sh: $count targets, $fuzztime each"
while read -r dir name; do
	echo "=== $name in $dir"
	"$go_cmd" test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" "$@" "$dir/"
done <<<"$targets"
echo "fuzz.sh: all $count targets passed"
