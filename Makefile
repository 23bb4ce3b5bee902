# One module at the repository root; the CLI is tools/cmd/embargo.
GO       ?= go
# The demo's clock is pinned so the bundled example checks the same on any day.
DEMO_NOW ?= 2026-11-20T12:00:00Z

.PHONY: all build demo demo-server test vet fmt-check screenshot hooks bench bench-go bench-gate fuzz upgrade

all: build

build:
	$(GO) build -o bin/embargo ./tools/cmd/embargo

# The main job: build a signed clone of the bundled example, check it and two pull requests.
# The public timeline of the demo goes to out/public (rewritten on every run).
demo:
	rm -rf out/public
	$(GO) run ./tools/cmd/embargo demo --repo . --now $(DEMO_NOW) --out out/public

# The server hook: a local bare repository with embargo pre-receive, one push refused, one accepted.
demo-server:
	bash examples/server/push-demo.sh

# A screenshot of the demo's published page (needs Debian's chromium).
screenshot: demo
	bash tools/timeline-screenshot.sh out/public out/timeline.png
	@echo "wrote out/timeline.png"

# The test command (README, .ci/run): vet, gofmt, then every test.
test: vet fmt-check
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

# Take the tool's files from a newer template revision, keeping the group's
# records (docs/guides/upgrade.md): make upgrade TEMPLATE=template/main
upgrade:
	bash tools/upgrade.sh $(TEMPLATE)

# Run fmt --check and validate on staged records before every commit.
hooks:
	git config core.hooksPath tools/hooks
	@echo "git hooks: tools/hooks (pre-commit runs embargo fmt --check and validate)"

# The scale targets side by side (BENCHMARKS.md): about ten minutes; needs gpg,
# git, node/npm (for ajv-cli) and /usr/bin/time.
bench:
	bash tools/bench/bench.sh

# The pull-request gate's steps, cold (no cached checker) and warm (BENCHMARKS.md).
bench-gate:
	bash tools/bench/gate.sh

# Go benchmarks of the hot paths.
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./tools/internal/validate ./tools/internal/verify ./tools/internal/yamldoc ./tools/internal/gitpack ./tools/internal/pgp ./tools/internal/timeline ./tools/internal/seal
	$(GO) test -run '^$$' -bench PreReceive -benchmem ./tools/internal/cli

# Every fuzz target for FUZZTIME each (default 60s); crashers land in testdata/fuzz.
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./tools/internal/yamldoc
	$(GO) test -run '^$$' -fuzz '^FuzzFastValue$$' -fuzztime $(FUZZTIME) ./tools/internal/yamldoc
	$(GO) test -run '^$$' -fuzz '^FuzzValidateIssue$$' -fuzztime $(FUZZTIME) ./tools/internal/schemas
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeIssue$$' -fuzztime $(FUZZTIME) ./tools/internal/state
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeMember$$' -fuzztime $(FUZZTIME) ./tools/internal/state
	$(GO) test -run '^$$' -fuzz '^FuzzParseKeyFile$$' -fuzztime $(FUZZTIME) ./tools/internal/pgp
	$(GO) test -run '^$$' -fuzz '^FuzzVerifyDetached$$' -fuzztime $(FUZZTIME) ./tools/internal/pgp
	$(GO) test -run '^$$' -fuzz '^FuzzJudgeKey$$' -fuzztime $(FUZZTIME) ./tools/internal/pgp
	$(GO) test -run '^$$' -fuzz '^FuzzReadMessage$$' -fuzztime $(FUZZTIME) ./tools/internal/pgp
	$(GO) test -run '^$$' -fuzz '^FuzzParseCommit$$' -fuzztime $(FUZZTIME) ./tools/internal/gitobj
	$(GO) test -run '^$$' -fuzz '^FuzzParseTree$$' -fuzztime $(FUZZTIME) ./tools/internal/gitobj
	$(GO) test -run '^$$' -fuzz '^FuzzMatch$$' -fuzztime $(FUZZTIME) ./tools/internal/access
	$(GO) test -run '^$$' -fuzz '^FuzzReadPack$$' -fuzztime $(FUZZTIME) ./tools/internal/gitpack
	$(GO) test -run '^$$' -fuzz '^FuzzApplyDelta$$' -fuzztime $(FUZZTIME) ./tools/internal/gitpack
	$(GO) test -run '^$$' -fuzz '^FuzzPublishNoLeak$$' -fuzztime $(FUZZTIME) ./tools/internal/timeline
	$(GO) test -run '^$$' -fuzz '^FuzzNormalize$$' -fuzztime $(FUZZTIME) ./tools/internal/timeline
	$(GO) test -run '^$$' -fuzz '^FuzzParseTime$$' -fuzztime $(FUZZTIME) ./tools/internal/records
	$(GO) test -run '^$$' -fuzz '^FuzzFormat$$' -fuzztime $(FUZZTIME) ./tools/internal/author
	$(GO) test -run '^$$' -fuzz '^FuzzLine$$' -fuzztime $(FUZZTIME) ./tools/internal/quote
	$(GO) test -run '^$$' -fuzz '^FuzzCode$$' -fuzztime $(FUZZTIME) ./tools/internal/quote
	$(GO) test -run '^$$' -fuzz '^FuzzURI$$' -fuzztime $(FUZZTIME) ./tools/internal/quote
	$(GO) test -run '^$$' -fuzz '^FuzzVersionRange$$' -fuzztime $(FUZZTIME) ./tools/internal/timeline
