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

.PHONY: install install-train test demo lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip >/dev/null

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e ".[dev]"
	touch $@

$(VENV)/.installed-docs: $(VENV)/.installed
	$(BIN)/python -m pip install -e ".[docs]"
	touch $@

$(VENV)/.installed-train: $(VENV)/.installed
	$(BIN)/python -m pip install "$(TORCH)"
	touch $@

# The cect wheel holds the source matrices of the bundled connectomes: the dataset tests compare the
# shipped CSVs with it when it is present (a download from PyPI at test time; graphbal never downloads).
CECT_WHEEL := $(VENV)/cect/cect-0.3.5-py3-none-any.whl
$(CECT_WHEEL): | $(BIN)/python
	$(BIN)/python -m pip download --no-deps cect==0.3.5 -d $(VENV)/cect || echo "cect wheel unavailable: source-count tests will be skipped"

install: $(VENV)/.installed

install-train: $(VENV)/.installed-train

test: install-train $(CECT_WHEEL)
	CECT_WHEEL=$$(ls $(CECT_WHEEL) 2>/dev/null) $(BIN)/python -m pytest -n 2 --dist loadgroup

demo: install
	$(BIN)/graphbal analyze celegans_cook2019_chem --out $(OUT) --force

lint: install
	$(BIN)/ruff check graphbal tests benchmarks examples datasets
	$(BIN)/ruff format --check graphbal tests benchmarks examples datasets

# HTML documentation (Sphinx + numpydoc, no network at build time) -> docs/_build/html/index.html
docs: install $(VENV)/.installed-docs
	$(BIN)/python -m sphinx -W --keep-going -b html docs docs/_build/html

bench: install
	$(BIN)/python benchmarks/bench_balance.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache docs/_build docs/generated
