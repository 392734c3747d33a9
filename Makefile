# The usual verbs over Meson + Ninja. `make check` is what CI runs.
#   make         build into build/ (the binary is build/switchboard, the web
#                app build/web)
#   make run     build and start Switchboard on ./var (demo data the first time)
#   make check   unit tests (plain and under ASan+UBSan, on PostgreSQL too
#                for the storage suites), command-line tests,
#                the API suite against a real server and the mail suite
#                against a real SMTP server on loopback (on SQLite, then on
#                PostgreSQL with the storage unit suites, the upgrade test
#                and export/import between the engines), several servers on
#                one PostgreSQL, the browser suite in Chromium, fuzz targets
#                over their seed corpora
#   make check-pg  on PostgreSQL 15 (a throwaway server from
#                scripts/pg-test-server): the storage unit suites, the API
#                and mail suites, the in-place upgrade test, and export/import
#                from SQLite to PostgreSQL and back
#   make check-asan-pg  the storage unit suites, the upgrade test,
#                export/import between the engines and the several-server
#                tests on PostgreSQL, under ASan+UBSan
#   make check-scale  several servers on one PostgreSQL: the scale-out test
#                (one killed with SIGKILL midway), the cross-server checks
#                and a restart of PostgreSQL under running servers
#   make fuzz    run every fuzz target for FUZZ_SECONDS each
#   make bench   the benchmarks (figures go in bench/RESULTS.md)
#   make screenshots  the browser suite, saving the main screens to
#                docs/screenshots/
#   make format  clang-format the C sources
#   make clean

BUILD := build
ASAN := build-asan
FUZZ := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := hours rfc3339 holidays tzif posix_tz sla multipart request_rules ticket \
	mail_message mail_inbound import
SANITIZE_FLAGS := -fno-sanitize-recover=all -fno-omit-frame-pointer

WEB_SOURCES := $(shell find web -type f -not -path '*/node_modules/*' 2>/dev/null)

.PHONY: all bootstrap run check check-unit check-api check-mail check-browser check-asan check-cli check-pg \
	check-scale check-asan-pg \
	check-fuzz fuzz bench format clean web screenshots

all: bootstrap web
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD)
	ninja -C $(BUILD)

# npm packages exactly as the lockfile says; reinstalled when it changes.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

web: $(BUILD)/web/index.html

$(BUILD)/web/index.html: node_modules/.package-lock.json $(WEB_SOURCES)
	npm run --silent build:web

bootstrap:
	@scripts/bootstrap

run: all
	@scripts/run

check: all check-unit check-cli check-api check-pg check-scale check-mail check-browser check-asan \
	check-asan-pg check-fuzz
	@echo "make check: all passed"

check-unit:
	meson test -C $(BUILD) --print-errorlogs

check-cli:
	python3 tests/cli/test_commands.py $(BUILD)/switchboard
	python3 tests/cli/test_sla_due.py $(BUILD)/switchboard
	python3 tests/cli/test_export_import.py $(BUILD)/switchboard
	python3 tests/cli/test_upgrade.py $(BUILD)/switchboard

check-api:
	SWITCHBOARD_BIN=$(BUILD)/switchboard node --test tests/api/

# Notification mail delivered to a real SMTP server (npm smtp-server) on loopback.
check-mail: node_modules/.package-lock.json
	SWITCHBOARD_BIN=$(BUILD)/switchboard node --test tests/mail/

check-browser: all
	SWITCHBOARD_BIN=$(BUILD)/switchboard node --test --test-concurrency=1 tests/browser/

screenshots: all
	SWITCHBOARD_BIN=$(BUILD)/switchboard SWITCHBOARD_SCREENSHOTS=docs/screenshots \
		node --test --test-concurrency=1 tests/browser/

$(ASAN)/build.ninja:
	meson setup $(ASAN) -Db_sanitize=address,undefined \
		-Db_lundef=false -Dc_args="$(SANITIZE_FLAGS)" -Dc_link_args="$(SANITIZE_FLAGS)"

check-asan: bootstrap $(ASAN)/build.ninja
	ninja -C $(ASAN)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		meson test -C $(ASAN) --print-errorlogs
	python3 tests/cli/test_sla_due.py $(ASAN)/switchboard --quick
	ASAN_OPTIONS=detect_leaks=1 SWITCHBOARD_BIN=$(ASAN)/switchboard node --test tests/api/
	ASAN_OPTIONS=detect_leaks=1 SWITCHBOARD_BIN=$(ASAN)/switchboard node --test tests/mail/

$(FUZZ)/build.ninja:
	CC=clang meson setup $(FUZZ) -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false

check-fuzz: bootstrap $(FUZZ)/build.ninja
	ninja -C $(FUZZ)
	@for t in $(FUZZ_TARGETS); do \
		echo "fuzz-$$t: seed corpus"; \
		./$(FUZZ)/fuzz-$$t -runs=0 tests/fuzz/corpus/$$t 2>&1 | tail -n 1 || exit 1; \
	done

fuzz: bootstrap $(FUZZ)/build.ninja
	ninja -C $(FUZZ)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ)/corpus/$$t; \
		./$(FUZZ)/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) $(FUZZ)/corpus/$$t \
			tests/fuzz/corpus/$$t || exit 1; \
	done

bench: all
	ninja -C $(BUILD) bench-sla bench-seed
	./$(BUILD)/bench-sla
	bench/api.sh $(BUILD)
	SWITCHBOARD_BIN=$(BUILD)/switchboard node bench/web_queue.mjs
	SWITCHBOARD_BIN=$(BUILD)/switchboard node bench/notify.mjs
	ENGINE=postgres bench/api.sh $(BUILD)
	ENGINE=postgres SERVERS=2 bench/api.sh $(BUILD)
	@out=$$(scripts/pg-test-server) || exit 1; \
	url=$$(echo "$$out" | sed -n 1p); dir=$$(echo "$$out" | sed -n 2p); \
	SWITCHBOARD_TEST_DATABASE_URL=$$url SWITCHBOARD_BIN=$(BUILD)/switchboard \
		node bench/notify.mjs; rc=$$?; \
	scripts/pg-test-server stop "$$dir"; exit $$rc

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)

# The storage unit suites, the API and mail suites, the upgrade test and
# export/import between the engines on PostgreSQL: a throwaway PostgreSQL 15
# (scripts/pg-test-server) on loopback, a fresh database per test or server,
# stopped afterwards whatever the outcome.
check-pg: all
	@out=$$(scripts/pg-test-server) || exit 1; \
	url=$$(echo "$$out" | sed -n 1p); dir=$$(echo "$$out" | sed -n 2p); \
	echo "check-pg: PostgreSQL at $$url"; \
	SWITCHBOARD_TEST_DATABASE_URL=$$url meson test -C $(BUILD) --print-errorlogs \
		store outbox webhooks_store && \
	SWITCHBOARD_TEST_DATABASE_URL=$$url SWITCHBOARD_BIN=$(BUILD)/switchboard \
		node --test tests/api/ && \
	SWITCHBOARD_TEST_DATABASE_URL=$$url SWITCHBOARD_BIN=$(BUILD)/switchboard \
		node --test tests/mail/ && \
	SWITCHBOARD_TEST_DATABASE_URL=$$url python3 tests/cli/test_upgrade.py $(BUILD)/switchboard && \
	SWITCHBOARD_TEST_DATABASE_URL=$$url python3 tests/cli/test_cross_engine.py $(BUILD)/switchboard; \
	rc=$$?; \
	scripts/pg-test-server stop "$$dir"; exit $$rc

# The PostgreSQL driver under ASan+UBSan: the storage unit suites, the
# upgrade test, export/import between the engines, and several servers on
# one database (tests/scale/: the live-events listener, a restart of
# PostgreSQL, a server killed). The API and mail suites under ASan on
# PostgreSQL take three minutes more; they pass, and run on SQLite in
# check-asan.
check-asan-pg: bootstrap $(ASAN)/build.ninja
	ninja -C $(ASAN)
	@out=$$(scripts/pg-test-server) || exit 1; \
	url=$$(echo "$$out" | sed -n 1p); dir=$$(echo "$$out" | sed -n 2p); \
	echo "check-asan-pg: PostgreSQL at $$url"; \
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		SWITCHBOARD_TEST_DATABASE_URL=$$url; \
	meson test -C $(ASAN) --print-errorlogs store outbox webhooks_store && \
	python3 tests/cli/test_upgrade.py $(ASAN)/switchboard && \
	python3 tests/cli/test_cross_engine.py $(ASAN)/switchboard && \
	SWITCHBOARD_TEST_DATABASE_DIR=$$dir SWITCHBOARD_BIN=$(ASAN)/switchboard \
		node --test --test-concurrency=1 tests/scale/; \
	rc=$$?; \
	scripts/pg-test-server stop "$$dir"; exit $$rc

# Several `switchboard serve` processes on one throwaway PostgreSQL 15
# (tests/scale/): one at a time, as each file starts a cluster of its own.
check-scale: all
	@out=$$(scripts/pg-test-server) || exit 1; \
	url=$$(echo "$$out" | sed -n 1p); dir=$$(echo "$$out" | sed -n 2p); \
	echo "check-scale: PostgreSQL at $$url"; \
	SWITCHBOARD_TEST_DATABASE_URL=$$url SWITCHBOARD_TEST_DATABASE_DIR=$$dir \
		SWITCHBOARD_BIN=$(BUILD)/switchboard \
		node --test --test-concurrency=1 tests/scale/; rc=$$?; \
	scripts/pg-test-server stop "$$dir"; exit $$rc
