# The README names two commands: `make run` and `make test`. Both set up what they need.
# `make test` runs the suite on SQLite, then again on PostgreSQL (TEST_DATABASE_URL, or a local
# server that scripts/postgres.sh installs and starts).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=true
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs in parallel (pytest-xdist), one process per core by default; each process has
# its own test database (SQLite file or PostgreSQL database), live server and browser.
# PYTEST_WORKERS=0 runs it in one process. `--dist load` hands each process the tests in
# collection order, which keeps pytest-django's order (transactional tests, which empty the
# database, after the others) within every process; worksteal or loadfile would not.
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL = -n $(PYTEST_WORKERS) --dist load
export PYTEST_PARALLEL

.PHONY: run test check lint format setup setup-test venv assets messages clean FORCE

run: setup
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py install_model
	$(DEV_ENV) $(PY) manage.py seed_demo
	@# The background worker (client packs, benchmarks) runs beside the web server and stops with it.
	$(DEV_ENV) $(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: setup-test check
	$(PY) -m pytest $(PYTEST_PARALLEL)
	./scripts/test-postgres.sh

check:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(DEV_ENV) $(PY) manage.py check --fail-level WARNING
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

setup: venv assets
	./scripts/system-packages.sh
	$(MAKE) messages

setup-test: venv assets
	./scripts/system-packages.sh --test
	$(MAKE) messages

# The German catalogue, compiled from locale/de/LC_MESSAGES/*.po (msgfmt, Debian's gettext).
messages:
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,postgres]"
	touch $@

# The npm packages: Bootstrap and plotly.js (served as static files) and axe-core (the browser
# tests' accessibility checks). Installed again when package.json or package-lock.json change,
# or when `npm ls` finds node_modules incomplete (say, a fresh clone or a deleted package).
assets: node_modules/.installed

node_modules/.installed: package.json package-lock.json scripts/build-plotly.mjs $(shell npm ls --all >/dev/null 2>&1 || echo FORCE)
	@command -v npm >/dev/null || { echo "npm is needed to install node_modules (the front-end" \
		"assets and axe-core for the browser tests). Debian: apt-get install npm" >&2; exit 1; }
	npm ci --no-audit --no-fund
	npm run build:plotly  # plotly.js with only the trace types the app draws (esbuild)
	touch $@

FORCE:

clean:
	rm -rf $(VENV) node_modules staticfiles
