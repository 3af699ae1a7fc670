# Yiqi — the two commands in the README: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEMO_INSTRUMENTS ?= 3000
DEMO_SEED ?= 2026
PORT ?= 8000
DEV := DJANGO_ENV=development
# The test suite runs on SQLite; set DATABASE_URL=postgres://... to run it on PostgreSQL as well.
TEST_ARGS ?=

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python .env
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Makes plain `manage.py …` in this checkout use the development profile (production is the default elsewhere).
.env:
	echo "DJANGO_ENV=development" > $@

# The server answers as soon as the database is migrated. Behind it the demo province is built (var/demo.log; the
# pages show it once it is committed), then the task consumer and the device simulator start (var/simulator.log).
run: $(VENV)/.installed
	$(DEV) $(BIN)/python manage.py migrate --noinput
	@echo "Yiqi: http://127.0.0.1:$(PORT)/  — admin login: admin / yiqi-demo-2026 (every demo user has this password)"
	@echo "The demo province is built in the background (var/demo.log); pages show it once it is in."
	@(trap 'kill $$demo $$consumer $$simulator 2>/dev/null' EXIT; trap 'exit 1' TERM; \
	  $(DEV) $(BIN)/python manage.py demo_data --if-empty --instruments $(DEMO_INSTRUMENTS) --seed $(DEMO_SEED) \
	    > var/demo.log 2>&1 & demo=$$!; \
	  wait $$demo || echo "Yiqi: the demo data failed, see var/demo.log"; \
	  $(DEV) $(BIN)/python manage.py run_huey --quiet & consumer=$$!; \
	  $(DEV) $(BIN)/python manage.py simulate_devices --instruments 20 --http http://127.0.0.1:$(PORT) \
	    > var/simulator.log 2>&1 & simulator=$$!; \
	  wait) & background=$$!; \
	  trap 'kill $$background 2>/dev/null' EXIT INT TERM; \
	  $(DEV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

test: $(VENV)/.installed lint
	env -u DATABASE_URL $(DEV) $(BIN)/python manage.py makemigrations --check --dry-run
	env -u DATABASE_URL DJANGO_ENV=test $(BIN)/pytest -n 2 $(TEST_ARGS)
	@if [ -n "$$DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL ($${DATABASE_URL%%\?*})"; \
	  DJANGO_ENV=test $(BIN)/pytest -n 2 $(TEST_ARGS); \
	fi

bench: $(VENV)/.installed
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var
