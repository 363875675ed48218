# wbagentur — the README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wbagentur

.PHONY: help run test test-future setup setup-dev translations compile-translations lint lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

run: setup ## install, migrate, seed demo data, print logins, serve on 127.0.0.1:5000 with the worker
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed
	@echo "E-Mails (Entwicklung): http://127.0.0.1:5000/dev/postfach (angemeldet) und instance/postfach/*.eml"
	@# The background worker (outbox every 5 s here, reminders, retention) beside the web server;
	@# Ctrl-C stops both (a background job ignores SIGINT, so the trap ends it).
	WBAGENTUR_WORKER_INTERVALS='{"mail.send": 5}' WBAGENTUR_WORKER_POLL_SECONDS=5 $(BIN)/flask worker & \
		worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
		$(BIN)/flask run --host 127.0.0.1 --port 5000

# The whole suite in two parts (docs/testing.md): first PostgreSQL, the browser tests and the
# static checks on today's clock, then SQLite with the clock of the whole process (and of
# every process it starts) two years ahead, so that the run proves that no test depends on
# today's date without running the SQLite half twice. Both parts share the folders where
# tests note axe checks and security figures; the second judges them for the whole run.
# Exit status 5 (nothing collected) is fine for one part when PYTEST_ARGS narrows the run.
test: setup-dev ## run the whole test suite (PostgreSQL + browser today, SQLite two years ahead)
	@export WBAGENTUR_AXE_DIR="$${WBAGENTUR_AXE_DIR:-$$(mktemp -d -t wbagentur-axe-XXXXXX)}" \
		WBAGENTUR_FIGURES_DIR="$${WBAGENTUR_FIGURES_DIR:-$$(mktemp -d -t wbagentur-figures-XXXXXX)}"; \
	echo "== part 1 of 2: PostgreSQL, browser and static checks, today's clock"; \
	WBAGENTUR_SUITE_PART=first $(BIN)/python -m pytest -n auto --db=postgresql $(PYTEST_ARGS); \
	first=$$?; \
	echo "== part 2 of 2: SQLite, clock $(FUTURE)"; \
	WBAGENTUR_SUITE_PART=last $(FUTURE_ENV) $(BIN)/python -m pytest -n auto --dist worksteal \
		--db=sqlite -p no:cacheprovider --ignore=tests/browser $(STATIC_CHECKS:%=--ignore=%) \
		$(PYTEST_ARGS); \
	second=$$?; \
	echo "== part 1: exit status $$first, part 2: exit status $$second"; \
	case "$$first$$second" in 00|05|50) ;; *) exit 1;; esac

setup: $(VENV)/.installed compile-translations

setup-dev: $(VENV)/.installed-dev compile-translations

# Installs are reproducible: exact versions with hashes from the lock files (`make lock`).
$(VENV)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements-dev.txt
	touch $@

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d wbagentur/translations

translations: $(VENV)/.installed ## extract messages and update the English catalogue
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k pgettext:1c,2 -k lazy_pgettext:1c,2 \
		-o wbagentur/translations/messages.pot \
		--no-location --sort-output --project=wbagentur --ignore-dirs=".* _* .venv instance node_modules" .
	$(BIN)/pybabel -q update -i wbagentur/translations/messages.pot -d wbagentur/translations -l en --no-fuzzy-matching

lint: setup-dev ## ruff (lint and format) and mypy, the versions pinned in requirements-dev.in
	$(BIN)/ruff check wbagentur tests migrations/env.py config loadtest
	$(BIN)/ruff format --check wbagentur tests migrations/env.py config loadtest
	$(BIN)/mypy wbagentur

# CI runs the suite a second time with the clock of the whole process (and of every process it
# starts) moved two years ahead: no test may depend on today's date (docs/testing.md). The
# libfaketime that the PyPI package `libfaketime` ships is preloaded; Debian's faketime 0.9.10
# hangs Python 3.11's timed waits (a faked monotonic clock) or breaks time.sleep (a real one).
FUTURE ?= +2y
# Checks that read the code or the installed packages, never the clock: the future run skips them.
STATIC_CHECKS = tests/test_import_graph.py tests/test_security_figures.py tests/test_structure.py \
	tests/test_vocabularies.py
LIBFAKETIME = $(shell $(BIN)/python -c 'import libfaketime, pathlib; print(pathlib.Path(libfaketime.__file__).parent / "vendor/libfaketime/src/libfaketime.so.1")' 2>/dev/null)
# The browser tests are left out: Chromium keeps the real clock (it loads no page under
# libfaketime), so only their app server would move; the server code they drive runs in
# this run through the test client. They run once, in `make test` (docs/testing.md).
FUTURE_ENV = LD_PRELOAD='$(LIBFAKETIME)' FAKETIME='$(FUTURE)' FAKETIME_DONT_FAKE_MONOTONIC=1
test-future: setup-dev ## only the SQLite half of the suite (without the browser) with the clock moved two years ahead
	$(FUTURE_ENV) $(BIN)/python -m pytest -n auto --dist worksteal --db=sqlite -p no:cacheprovider \
		--ignore=tests/browser $(STATIC_CHECKS:%=--ignore=%) $(PYTEST_ARGS)

lock: ## recompile requirements*.txt from the ranges in requirements*.in (keeps pins; UPGRADE=1 updates)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q pip-tools
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links $(if $(UPGRADE),--upgrade) -o requirements.txt requirements.in
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links $(if $(UPGRADE),--upgrade) -o requirements-dev.txt requirements-dev.in

clean: ## remove the virtual environment and the development database
	rm -rf $(VENV) instance

.PHONY: bench
bench: setup-dev ## scale data set (100,000 cases) and benchmark on SQLite and PostgreSQL (docs/performance.md)
	$(BIN)/flask bench generate --db sqlite
	$(BIN)/flask bench run --db sqlite --json bench-results/sqlite.json
	$(BIN)/flask bench generate --db postgresql
	$(BIN)/flask bench run --db postgresql --json bench-results/postgresql.json

BENCH_1M_SQLITE ?= instance/bench-1m.sqlite
BENCH_1M_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/wbagentur_bench_1m

.PHONY: bench-1m
bench-1m: setup-dev ## 1,000,000 cases on SQLite and PostgreSQL, timed, then the benchmark (issue #22; ≤ 10 min generation each)
	time $(BIN)/flask bench generate --db sqlite --path $(BENCH_1M_SQLITE) --cases 1000000
	$(BIN)/flask bench run --db sqlite --path $(BENCH_1M_SQLITE) --json bench-results/sqlite-1m.json
	time env WBAGENTUR_BENCH_POSTGRES_URL=$(BENCH_1M_POSTGRES_URL) $(BIN)/flask bench generate --db postgresql --cases 1000000
	WBAGENTUR_BENCH_POSTGRES_URL=$(BENCH_1M_POSTGRES_URL) $(BIN)/flask bench run --db postgresql --json bench-results/postgresql-1m.json

.PHONY: loadtest
loadtest: setup-dev ## gunicorn + locust, 50 advisors for 90 s on the bench databases (make bench first; LOADTEST_ARGS=…)
	$(BIN)/python loadtest/run.py --db sqlite --db postgresql --users 50 --duration 90s $(LOADTEST_ARGS)

.PHONY: compare
compare: setup-dev ## case list vs. a Flask-Admin list of the same table and a trivial page, gunicorn + wrk (issue #22; make bench first; COMPARE_ARGS=…)
	$(BIN)/python loadtest/compare.py --db sqlite --db postgresql $(COMPARE_ARGS)
