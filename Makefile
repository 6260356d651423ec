# open137: `make run` serves the demo city, `make test` runs the suite.
# Both set everything up on a fresh clone: a virtualenv in .venv, pinned packages,
# an embedded SQLite database in var/ (unless DATABASE_URL says otherwise).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
TEST_PARALLEL ?= auto
export PORT

.PHONY: install run setup test lint bench clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

setup: install
	$(BIN)/open137 migrate --noinput -v0
	$(BIN)/open137 load_city
	$(BIN)/open137 collectstatic --noinput -v0

run: setup
	$(BIN)/open137 demo $(if $(DEMO_PASSWORD),--password $(DEMO_PASSWORD))
	@echo
	@echo "open137 is starting on http://127.0.0.1:$(PORT)/"
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
