# The two commands: `make lab` opens the course, `make test` runs every test.
# Both create .venv on first use and re-install only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: lab test lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "perfkit needs Python 3.11 or newer"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[lab,test,fleet]'
	@touch $(STAMP)

# `perfkit lab` is the same command without make (Windows, macOS): it adds --allow-root
# as root. A workshop on recordings only: `PERFKIT_MODE=recorded make lab`.
lab: $(STAMP)
	$(BIN)/perfkit lab

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check perfkit tests benchmarks scripts

bench: $(STAMP)
	$(BIN)/python benchmarks/import_time.py
	$(BIN)/python benchmarks/parse_speed.py
	$(BIN)/python benchmarks/hostile_shapes.py
	$(BIN)/python benchmarks/notebooks_offline.py
	$(BIN)/python benchmarks/fleet.py

clean:
	rm -rf $(VENV) build *.egg-info
