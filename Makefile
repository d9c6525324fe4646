# The two set-up commands: `make serve` (demo) and `make test` (whole test suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo.db
HOST ?= 127.0.0.1
PORT ?= 8001

.PHONY: install serve demo test lint format bench bench-quick clean

$(BIN)/variorum: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/variorum

demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/variorum --db $(DEMO_DB) ingest corpus/ --quiet

serve: demo
	$(BIN)/variorum --db $(DEMO_DB) serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: install
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: install
	$(BIN)/python benchmarks/run.py

bench-quick: install
	$(BIN)/python benchmarks/run.py --quick

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm .pytest_cache .ruff_cache
