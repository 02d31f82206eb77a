# watchroom build. `make run` starts the demo console; `make test` runs every test.
GO ?= go
VENDOR := ui/static/vendor/echarts.min.js

.PHONY: run test assets build check bench clean

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

check: build
	./bin/watchroom check --config config/example.yaml

clean:
	rm -rf bin ui/static/vendor node_modules
