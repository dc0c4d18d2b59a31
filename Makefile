# graphbal: two commands on a fresh machine with Python 3.10+ and make.
#   make demo  - create .venv, install, analyse the bundled C. elegans connectome -> report/
#   make test  - create .venv, install (with the CPU build of torch for the training tests), run the suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# CPU build of PyTorch for the optional training extra; override e.g. TORCH="torch>=2.1"
# together with PIP_INDEX_URL pointing at PyTorch's CPU wheel index on other machines.
TORCH  ?= torch==2.13.0
OUT    ?= report

.PHONY: install install-train test demo lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip >/dev/null

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e ".[dev]"
	touch $@

$(VENV)/.installed-train: $(VENV)/.installed
	$(BIN)/python -m pip install "$(TORCH)"
	touch $@

install: $(VENV)/.installed

install-train: $(VENV)/.installed-train

test: install-train
	$(BIN)/python -m pytest -n 2 --dist loadgroup

demo: install
	$(BIN)/graphbal analyze celegans_cook2019_chem --out $(OUT) --force

lint: install
	$(BIN)/ruff check graphbal tests benchmarks examples

bench: install
	$(BIN)/python benchmarks/bench_balance.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
