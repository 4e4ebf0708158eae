# Two commands do everything on a fresh clone: `make report` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: report test clean

# Install into a local virtual environment; redone when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	$(VENV)/bin/reportgen build

test: $(STAMP)
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) output/*.pdf output/*.html
