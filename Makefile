# cluebot: the two commands a newcomer needs are `make demo` and `make test`.
GO       ?= go
# go.mod's toolchain line (go1.26.10, which fixes net/http, crypto/tls and
# crypto/x509 advisories of go1.26.8) is honoured even where the machine
# defaults to GOTOOLCHAIN=local; the go command fetches it from the module
# proxy once.
export GOTOOLCHAIN ?= auto
PKGS     := ./...
BENCHTIME ?= 1s

FUZZTIME ?= 3
DELAY    ?= 20m

.PHONY: all build demo test test-short bench bench-delay bench-agency bench-accounts fuzz lint fmt clean

all: lint test build

# What `cluebot version` prints: git describe and the commit, when built
# from a checkout (make build VERSION=v1.2.3 to name a release). The
# linker sets them: the go command records no commit in a git worktree,
# nor with GOFLAGS=-buildvcs=false.
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null)
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS  := -X github.com/cluebot/cluebot/version.Version=$(VERSION) -X github.com/cluebot/cluebot/version.Commit=$(COMMIT)

BIN      ?= bin/cluebot

build: ## the binary, in ./bin; `bin/cluebot version` names the commit
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/cluebot

demo: ## the whole pipeline against built-in simulators, in a temp folder
	$(GO) run ./cmd/cluebot demo

test: ## vet, every test with the race detector, then each fuzz target briefly
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 20m $(PKGS)
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

fuzz: ## each fuzz target for FUZZTIME seconds (make fuzz FUZZTIME=60)
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

test-short:
	$(GO) test -short -count=1 $(PKGS)

bench: ## benchmarks: sync throughput, store upserts, routing, rendering, reports
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

bench-delay: ## delay from a lead's arrival to its pull: 10,000 accounts, 5% active, 3,000 calls/min; needs CLUEBOT_TEST_POSTGRES; real time, DELAY long
	CLUEBOT_BENCH_DELAY=$(DELAY) $(GO) test -run '^$$' -bench PollDelay -benchtime 1x -timeout 0 ./fetch/

bench-agency: ## agency onboarding: 10,000 advertisers under one authorization, two instances, 3,000 calls/min; needs CLUEBOT_TEST_POSTGRES; about 4 minutes of real time
	CLUEBOT_BENCH_AGENCY=1 $(GO) test -run '^$$' -bench AgencyOnboarding -benchtime 1x -timeout 0 ./app/

bench-accounts: ## what `cluebot accounts` reads at 10,000 accounts and a million clues, SQLite (and PostgreSQL with CLUEBOT_TEST_POSTGRES)
	CLUEBOT_BENCH_HEAVY=1 $(GO) test -run '^$$' -bench AccountStats -benchtime 40x -timeout 0 ./store/sqlite/ ./store/postgres/

lint: ## gofmt, go vet and govulncheck must be clean
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	GO=$(GO) scripts/vulncheck.sh

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin
