# open137: `make run` serves the demo city, `make test` runs the suite.
# Both set everything up on a fresh clone: a virtualenv in .venv, pinned packages,
# an embedded SQLite database in var/ (unless DATABASE_URL says otherwise).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
TEST_PARALLEL ?= auto
export PORT
# pip says only what went wrong: its notes, the build backend's and those about a local
# mirror's missing folders are noise on a first run.
PIP := $(BIN)/python -m pip --quiet --quiet --disable-pip-version-check
# `make run` writes the demo's SMS to a file, so a newcomer sees them arrive.
SMS_FILE ?= $(abspath $(or $(DATA_DIR),var))/sms.jsonl

.PHONY: install run setup test lint bench clean

$(VENV)/.installed: pyproject.toml constraints.txt
	@echo "Installing open137 and its packages into $(VENV) (a few minutes the first time)..."
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -c constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

setup: install
	$(BIN)/open137 migrate --noinput -v0
	$(BIN)/open137 load_city
	$(BIN)/open137 collectstatic --noinput -v0

# The web server and the worker (SMS, reminders, deadlines, closing) together; Ctrl+C stops
# both. SMS go to $(SMS_FILE) unless SMS_BACKEND says otherwise.
run: export SMS_BACKEND ?= file
run: export SMS_FILE_PATH ?= $(SMS_FILE)
run: setup
	$(BIN)/open137 demo $(if $(DEMO_PASSWORD),--password $(DEMO_PASSWORD)) \
	  $(if $(DEMO_REQUESTS),--requests $(DEMO_REQUESTS))
	@echo
	@echo "open137 is starting on http://127.0.0.1:$(PORT)/ with its worker."
	@echo "SMS ($$SMS_BACKEND): $$SMS_FILE_PATH  (watch it: tail -f $$SMS_FILE_PATH)"
	@echo "Ctrl+C stops the server and the worker."
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  $(BIN)/open137 worker & worker=$$!; \
	  $(BIN)/open137 serve

test: install
	$(BIN)/open137 test open137 --parallel $(TEST_PARALLEL) --noinput

# Measurements on this machine, written to docs/benchmarks.md (about 15 minutes; needs the
# real data beside the repository and a local PostgreSQL, see bench/run.py).
bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy open137

clean:
	rm -rf $(VENV) var
