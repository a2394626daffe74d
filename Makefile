# medbill: two commands on a fresh machine —  `make demo`  and  `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
UV      = $(BIN)/uv
export MEDBILL_REFDATA ?= $(abspath ../shared/refdata)

.PHONY: env demo test lock lint bench clean

$(BIN)/medbill: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q uv
	$(UV) pip sync -q --compile-bytecode --python $(BIN)/python requirements.lock
	$(UV) pip install -q --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q src >/dev/null
	@touch $@

env: $(BIN)/medbill

## demo: set up, load the bundled official code sets into SQLite, run the demo
demo: env
	$(BIN)/medbill demo

## test: set up, start what the tests need (PostgreSQL if installed), run the whole suite
test: env
	bash scripts/test.sh

## lock: re-resolve the locked dependency set after editing pyproject.toml
lock:
	$(UV) pip compile -q --universal --python-version 3.11 --extra dev --extra spark pyproject.toml -o requirements.lock

lint: env
	$(BIN)/ruff check src tests

bench: env
	$(BIN)/python benchmarks/codesets_bench.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
