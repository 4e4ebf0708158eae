# Two commands do everything on a fresh clone: `make report` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: report test golden clean

# Install into a local virtual environment; redone when pyproject.toml changes. setuptools
# warns on every editable install of a package-dir mapping (templates/ and styles/ into the
# wheel), so its UserWarnings are muted here; tests/test_packaging.py checks the real build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore::UserWarning $(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	$(VENV)/bin/reportgen build

# Lint and types first (seconds), then the tests on every core.
test: $(STAMP)
	$(VENV)/bin/ruff check reportgen tests benchmarks
	$(VENV)/bin/mypy
	$(PY) -m pytest -q -n auto

# Rewrite the golden copy of the sample's HTML after a change you meant (tests/golden/).
golden: $(STAMP)
	$(PY) -m tests.golden

clean:
	rm -rf $(VENV) output/*.pdf output/*.html
