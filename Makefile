# watchroom build. `make run` starts the demo console; `make test` runs every test.
GO ?= go
# Search needs SQLite's FTS5, which go-sqlite3 compiles in only with this
# tag: every go command below (build, vet, test, fuzz) gets it from here,
# whatever the environment's GOFLAGS say.
export GOFLAGS := -tags=sqlite_fts5
VENDOR := ui/static/vendor/echarts.min.js
# The map: Leaflet (script, its CSS as a file, its images), topojson-client
# and the land outline from world-atlas, turned into GeoJSON in the browser.
MAPVENDOR := ui/static/vendor/leaflet/leaflet.js ui/static/vendor/topojson-client.min.js ui/static/vendor/land-50m.json

.PHONY: run test fuzz nofts5 assets build check bench clean

# Browser libraries come from package-lock.json (pinned) and are embedded
# into the binary at build time; nothing is fetched at run time.
assets: $(VENDOR) $(MAPVENDOR)

node_modules/echarts/dist/echarts.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(VENDOR): node_modules/echarts/dist/echarts.min.js
	mkdir -p ui/static/vendor
	cp node_modules/echarts/dist/echarts.min.js $@

ui/static/vendor/leaflet/leaflet.js: node_modules/leaflet/dist/leaflet.js
	mkdir -p ui/static/vendor/leaflet/images
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css ui/static/vendor/leaflet/
	cp node_modules/leaflet/dist/images/*.png ui/static/vendor/leaflet/images/

ui/static/vendor/topojson-client.min.js: node_modules/topojson-client/dist/topojson-client.min.js
	mkdir -p ui/static/vendor
	cp node_modules/topojson-client/dist/topojson-client.min.js $@

ui/static/vendor/land-50m.json: node_modules/world-atlas/land-50m.json
	mkdir -p ui/static/vendor
	cp node_modules/world-atlas/land-50m.json $@

run: assets
	$(GO) run ./cmd/watchroom serve --demo

build: assets
	$(GO) build -o bin/watchroom ./cmd/watchroom

test: assets
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...
	$(MAKE) nofts5
	$(MAKE) fuzz

# A build without the tag compiles, but its store refuses to open with a
# message naming the tag (never a search that silently fails). An empty
# -tags on the command line overrides GOFLAGS.
nofts5:
	$(GO) test -tags= -count=1 -run '^TestOpenWithoutFTS5$$' ./watch/store

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
	./watch/source:FuzzICalParse ./watch/source:FuzzWebhookParse ./watch/source:FuzzWall \
	./watch/match:FuzzParse ./watch/match:FuzzMatch ./config:FuzzParse \
	./watch/evidence:FuzzVerifyReader ./watch:FuzzAuditCheckpoints ./watch/store:FuzzSearch ./ui:FuzzCheckJSON

# The acceptance scripts on their own (make test runs them too): sign-in
# throttling, slow clients, the connection cap and the authorisation
# matrix, each against a real server on loopback, in well under a minute.
acceptance:
	$(GO) test -race -count=1 -timeout 5m -run '^TestAcceptance' ./cmd/watchroom/app

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
