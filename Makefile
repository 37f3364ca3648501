# Crossline: `make demo` to try it, `make test` to test it. Both install what they need first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export CROSSLINE_VAR_DIR ?= $(CURDIR)/var

.PHONY: install assets browser demo demo-data serve test test-postgres lint lock clean

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(VENV)/.installed

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/build/.built: frontend/node_modules/.installed $(wildcard frontend/src/*) frontend/build.mjs
	cd frontend && npm run --silent build
	touch $@

assets: frontend/build/.built

# Browser tests drive Debian's chromium; never a browser downloaded by a test tool.
browser:
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo-data: install assets
	mkdir -p $(CROSSLINE_VAR_DIR)
	CROSSLINE_DEMO=1 $(BIN)/crossline migrate --noinput -v0
	CROSSLINE_DEMO=1 $(BIN)/crossline refdata load
	CROSSLINE_DEMO=1 $(BIN)/crossline demo load

demo: demo-data
	@CROSSLINE_DEMO=1 HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) bash scripts/serve-demo.sh

test: install assets browser
	$(BIN)/pytest -q -p no:randomly
	$(BIN)/ruff check crossline benchmarks

# The same suite against PostgreSQL (a fresh database each run). CI runs both.
test-postgres: install assets browser
	DB_CONN_MAX_AGE=0 DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/crossline} \
	  $(BIN)/pytest -q --create-db -p no:randomly

lint: install
	$(BIN)/ruff check crossline benchmarks
	$(BIN)/bandit -q -ll -r crossline -c pyproject.toml
	CROSSLINE_ENV=production SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(64))') \
	  ALLOWED_HOSTS=crossline.example.gov.uk DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
	  $(BIN)/crossline check --deploy --fail-level WARNING

lock: install
	$(BIN)/pip freeze --exclude-editable | sed '/^crossline/d' > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) frontend/node_modules frontend/build static_build var
