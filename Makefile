# The two commands: `make demo` runs the whole round on the bundled 浙江省 demo; `make test`
# runs the whole test suite. Both create .venv on first use from python3 alone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean wheelhouse

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sceval demo --out workbooks/out

test: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

clean:
	rm -rf workbooks/out .pytest_cache

# An offline install for Windows PCs (README "在 Windows 上"): sceval's wheel and every dependency as
# binary wheels for 64-bit Windows, Python 3.11 and 3.12, plus this machine's, to try it here.
WHEELHOUSE ?= wheelhouse
wheelhouse: $(STAMP)
	rm -rf $(WHEELHOUSE)
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir $(WHEELHOUSE) .
	for version in 3.11 3.12; do \
	  $(BIN)/pip download --quiet --only-binary=:all: --platform win_amd64 --python-version $$version \
	    --dest $(WHEELHOUSE) $(WHEELHOUSE)/sceval-*.whl || exit 1; \
	done
	$(BIN)/pip download --quiet --only-binary=:all: --dest $(WHEELHOUSE) $(WHEELHOUSE)/sceval-*.whl
