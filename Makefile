# Two set-up commands (README): `make demo` and `make test`. Both create .venv on first use with
# nothing but Python >= 3.11 and pip, and reinstall when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.rfcauth-installed

.PHONY: peer-report node-peers demo test fuzz fuzz-deep lint typecheck check bench regenerate conformance docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rfcauth demo --live

test: $(STAMP)
	$(BIN)/python -m pytest

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -x -p no:cacheprovider

# Coverage-guided fuzzing (tests/fuzz/README.md): every atheris harness for FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz-deep: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,fuzz]'
	$(BIN)/python tests/fuzz/run_fuzz.py --seconds $(FUZZ_SECONDS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict rfcauth

check: test lint typecheck

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/run_all.py

# The official MCP conformance suite's client auth scenarios, both pinned versions (needs node and
# npm; installs Node 22 and the suite into .conformance/). Prints the pass table.
conformance: $(STAMP)
	$(BIN)/python tests/conformance/run.py

regenerate: $(STAMP)
	$(BIN)/python -m rfcauth.grammar._generate

docs: $(STAMP)
	$(BIN)/python -m rfcauth.cli._docs

clean:
	rm -rf $(VENV) .conformance .fuzz .pytest_cache .mypy_cache .ruff_cache .hypothesis

# The conformance kit against real peers (docs/peer-report.md, never edited by hand). With node,
# the TypeScript SDK's helpers are fed the curated vectors too (node-peers installs the SDK).
peer-report: $(STAMP)
	if command -v npm >/dev/null; then $(MAKE) node-peers; fi
	$(BIN)/python -m rfcauth.testing._peer_report

node-peers:
	npm install --silent --no-audit --no-fund --prefix tests/node
