# siogen's build and test entry points. `make test` is the one command CI runs
# (.ci/run): on a fresh machine it installs everything the tests need, then
# runs lint, every test with the race detector, and short fuzz runs.

GO       ?= go
# FUZZTIME is a count of executions, not a duration: with a duration, Go
# 1.26's fuzz coordinator can report "context deadline exceeded" at the
# deadline without any failing input (golang/go#75804, fixed in Go 1.27),
# which CI met on FuzzLoad. 30000 runs take 1-10 s per target here.
FUZZTIME ?= 30000x
# Packages and fuzz targets run briefly by `make fuzz`: "package:Target".
FUZZ_TARGETS := \
	./runtime/engineio:FuzzDecodePayload \
	./runtime/engineio:FuzzServerPacket \
	./runtime/engineio:FuzzTakeWholeFrame \
	./runtime/internal/parser:FuzzDecodeText \
	./runtime/internal/parser:FuzzDecodeStream \
	./runtime/internal/parser:FuzzDecodeElements \
	./runtime/internal/parser:FuzzPeekEvent \
	./runtime/redisadapter:FuzzUnpack \
	./runtime/sio:FuzzDecodeUser \
	./examples/generated:FuzzAgreement \
	./schema:FuzzLoad

.PHONY: test deps npm lint unit fuzz demo bench bench-compare bench-churn

test: deps lint unit fuzz

# APT_PACKAGES are the system programs the tests drive: redis-server for
# the Redis adapter, nginx for the sticky-session test, chromium for the
# chat page's browser test.
APT_PACKAGES := redis-server nginx chromium

# deps installs what the tests need when it is missing: the Debian packages
# above and the JavaScript peers pinned by package-lock.json.
deps: npm
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		echo "installing$$missing"; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 -timeout 20m ./...

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	done

# demo runs the main job: generate from the example schemas, bundle the chat
# page (when Node is there; the server embeds the committed bundle
# otherwise), and start the chat server on the in-memory adapter.
demo:
	$(GO) generate ./...
	@if command -v node >/dev/null; then $(MAKE) --no-print-directory npm && node examples/chat/web/build.mjs; \
	else echo "node not found: serving the committed page bundle (examples/chat/web/dist/app.js)"; fi
	$(GO) run ./examples/chat

# npm installs only the JavaScript packages (what demo needs to rebuild the
# page). package.json's allowScripts denies esbuild's postinstall, which
# only checks its binary: npm 11 would skip it anyway, with a warning.
npm:
	@command -v node >/dev/null || { echo "node is required (https://nodejs.org)"; exit 1; }
	@if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.siogen-lock; then \
		npm ci --no-audit --no-fund && cp package-lock.json node_modules/.siogen-lock; \
	fi

# bench runs the Go benchmarks of the hot paths.
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./runtime/... ./examples/bench/gobench/

# bench-compare measures our typed and untyped servers against the Node
# socket.io server and raw gorilla/websocket, pinned to one core each
# (examples/bench/run.sh -h for its flags).
bench-compare: deps
	examples/bench/run.sh

# bench-churn runs the churn family (drops, reconnect avalanche, slow
# consumers) against our server and Node's, through the bench's fault
# proxy: examples/bench/run.sh -scenarios churn, about 15 minutes.
bench-churn: deps
	examples/bench/run.sh -scenarios churn
