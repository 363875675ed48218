# wbagentur — the README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wbagentur

.PHONY: help run test setup setup-dev translations compile-translations lint clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

run: setup ## install, migrate, seed demo data, print logins, serve on 127.0.0.1:5000
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: setup-dev ## run the whole test suite (SQLite + PostgreSQL + browser)
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

setup: $(VENV)/.installed compile-translations

setup-dev: $(VENV)/.installed-dev compile-translations

$(VENV)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d wbagentur/translations

translations: $(VENV)/.installed ## extract messages and update the English catalogue
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k pgettext:1c,2 -k lazy_pgettext:1c,2 \
		-o wbagentur/translations/messages.pot \
		--no-location --sort-output --project=wbagentur --ignore-dirs=".* _* .venv instance node_modules" .
	$(BIN)/pybabel -q update -i wbagentur/translations/messages.pot -d wbagentur/translations -l en --no-fuzzy-matching

lint: setup-dev ## ruff and mypy
	$(BIN)/pip install -q ruff mypy
	$(BIN)/ruff check wbagentur tests
	$(BIN)/mypy wbagentur

clean: ## remove the virtual environment and the development database
	rm -rf $(VENV) instance

.PHONY: bench
bench: setup-dev ## scale data set (100,000 cases) and benchmark on SQLite and PostgreSQL (docs/performance.md)
	$(BIN)/flask bench generate --db sqlite
	$(BIN)/flask bench run --db sqlite --json bench-results/sqlite.json
	$(BIN)/flask bench generate --db postgresql
	$(BIN)/flask bench run --db postgresql --json bench-results/postgresql.json

.PHONY: loadtest
loadtest: setup-dev ## gunicorn + locust, 50 advisors for 90 s on the bench databases (make bench first; LOADTEST_ARGS=…)
	$(BIN)/python loadtest/run.py --db sqlite --db postgresql --users 50 --duration 90s $(LOADTEST_ARGS)
