# Two commands on a fresh machine: `make run` and `make test`. Both build .venv.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SRC := src tests benchmarks tools

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## The main job: the Russia-China report and evidence brief (out/) on the embedded default data.
	$(VENV)/bin/asymmetry report RUS CHN -o out/russia-china.html
	$(VENV)/bin/asymmetry brief RUS CHN -o out/russia-china-brief.html

test: $(STAMP)  ## ruff, mypy and the whole pytest suite (slow tests included).
	$(VENV)/bin/ruff check $(SRC)
	$(VENV)/bin/ruff format --check $(SRC)
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check --fix $(SRC)
	$(VENV)/bin/ruff format $(SRC)
	$(VENV)/bin/mypy

bench: $(STAMP)  ## Benchmarks; results go to benchmarks/RESULTS.md.
	$(PY) benchmarks/bench_ingest.py --rows 9000000 --repeat 3 --write benchmarks/RESULTS.md
	$(PY) benchmarks/bench_metrics.py --rows 9000000 --repeat 3 --write benchmarks/RESULTS.md
	$(PY) benchmarks/bench_levers.py --rows 9000000 --repeat 3 --write benchmarks/RESULTS.md
	$(PY) benchmarks/peer_sanction_simulator.py --write benchmarks/RESULTS.md
	$(PY) benchmarks/bench_claims.py --repeat 5 --write benchmarks/RESULTS.md
	$(PY) benchmarks/claims_accuracy.py --write benchmarks/RESULTS.md
	$(PY) benchmarks/bench_web.py --rows 9000000 --clients 20 --seconds 60 --write benchmarks/RESULTS.md

clean:
	rm -rf $(VENV) .asymmetry .pytest_cache .mypy_cache .ruff_cache
