# watchroom build. `make run` starts the demo console; `make test` runs every test.
GO ?= go
VENDOR := ui/static/vendor/echarts.min.js

.PHONY: run test fuzz assets build check bench clean

# Browser libraries come from package-lock.json (pinned) and are embedded
# into the binary at build time; nothing is fetched at run time.
assets: $(VENDOR)

node_modules/echarts/dist/echarts.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(VENDOR): node_modules/echarts/dist/echarts.min.js
	mkdir -p ui/static/vendor
	cp node_modules/echarts/dist/echarts.min.js $@

run: assets
	$(GO) run ./cmd/watchroom serve --demo

build: assets
	$(GO) build -o bin/watchroom ./cmd/watchroom

test: assets
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...
	$(MAKE) fuzz

# Every parser of outside input is fuzzed briefly on each test run, seeded
# with the real-world samples in ../shared/corpus (the corpus tests need
# them too, so a missing corpus is an error, not a skip). go test takes one
# fuzz target per invocation.
CORPUS ?= ../shared/corpus
FUZZTIME ?= 5s
FUZZ_TARGETS := \
	./watch/source:FuzzFeedParse ./watch/source:FuzzRedditParse \
	./watch/source:FuzzMastodonParse ./watch/source:FuzzBlueskyParse \
	./watch/source:FuzzTelegramParse ./watch/source:FuzzPageParse \
	./watch/source:FuzzICalParse ./watch/source:FuzzWebhookParse \
	./watch/match:FuzzParse ./watch/match:FuzzMatch ./config:FuzzParse \
	./watch/evidence:FuzzVerifyReader

fuzz:
	@test -d $(CORPUS) || { echo "fuzz: corpus $(CORPUS) is missing" >&2; exit 1; }
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

check: build
	./bin/watchroom check --config config/example.yaml

clean:
	rm -rf bin ui/static/vendor node_modules
