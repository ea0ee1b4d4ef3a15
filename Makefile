# swift-s4: two commands do everything.
#   make bench   install missing system packages, build in release mode, print the benchmark tables
#   make test    install missing system packages, run the whole test suite in release mode
#   make data    install Fashion-MNIST (Debian's dataset-fashion-mnist) and decompress it into
#                .data/ for the `train` suite of s4-bench (make bench does this first)
#   make peers   optional: the PyTorch peers of the fft and blocks suites on this machine
#                (a virtual environment in .build-peers with torch's CPU wheel; needs pip);
#                S4_SOURCE=.../models/s4/s4.py adds the official S4Block

SWIFT ?= swift
# Debian's OpenBLAS 0.3.21 does not recognise CPUs newer than it and can fall back to a slow
# generic kernel; the figures in Benchmarks/RESULTS.md were taken with the Haswell kernel.
# An explicit setting in the environment wins (for example OPENBLAS_CORETYPE=SkylakeX).
OPENBLAS_CORETYPE ?= Haswell
export OPENBLAS_CORETYPE

APT_PACKAGES := libopenblas-dev liblapacke-dev pkgconf
BENCH_ARGS ?=
DATA_PACKAGE := dataset-fashion-mnist
DATA_SOURCE := /usr/share/datasets/fashion-mnist
DATA_DIR := .data/fashion-mnist
DATA_FILES := train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte
# Flags of the tuned build: Swift code generated for this host's CPU (AVX-512 where present).
TUNED_FLAGS := -Xswiftc -target-cpu -Xswiftc native -Xswiftc -DS4_TUNED_BUILD

.PHONY: deps data build test bench bench-quick bench-tuned peers clean

deps:
	@missing=""; \
	for package in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

# The real data set of the `train` suite. A failure (no network, no root) only skips that suite:
# s4-bench says so under its table. Files are decompressed to a temporary name and renamed, so
# an interrupted run never leaves a truncated file behind.
data:
	@if ! dpkg-query -W -f='$${Status}' $(DATA_PACKAGE) 2>/dev/null | grep -q "install ok installed"; then \
	  echo "Installing $(DATA_PACKAGE)"; \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $(DATA_PACKAGE) \
	    || { $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $(DATA_PACKAGE); } \
	    || echo "make data: could not install $(DATA_PACKAGE); the train suite will be skipped"; \
	fi
	@mkdir -p $(DATA_DIR)
	@for file in $(DATA_FILES); do \
	  if [ ! -s $(DATA_DIR)/$$file ] && [ -f $(DATA_SOURCE)/$$file.gz ]; then \
	    gunzip -c $(DATA_SOURCE)/$$file.gz > $(DATA_DIR)/$$file.tmp && mv $(DATA_DIR)/$$file.tmp $(DATA_DIR)/$$file; \
	  fi; \
	done

build: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) build -c release --build-tests -Xswiftc -enable-testing
	$(SWIFT) test -c release -Xswiftc -enable-testing --skip-build

bench: deps data
	$(SWIFT) build -c release --product s4-bench
	.build/release/s4-bench $(BENCH_ARGS)

bench-quick: deps data
	$(SWIFT) build -c release --product s4-bench
	.build/release/s4-bench --quick $(BENCH_ARGS)

bench-tuned: deps data
	$(SWIFT) build -c release --product s4-bench --scratch-path .build-tuned $(TUNED_FLAGS)
	.build-tuned/release/s4-bench $(BENCH_ARGS)

# Not part of bench or test: it downloads PyTorch's CPU wheel (about 180 MB, 0.9 GB installed)
# into .build-peers.
PEERS_VENV := .build-peers/venv
# The CPU-only wheel (no CUDA libraries). Where only PyPI is reachable, TORCH_PIP_ARGS= takes
# PyPI's default wheel, whose CPU code is the same.
TORCH_PIP_ARGS ?= --index-url https://download.pytorch.org/whl/cpu
# S4_SOURCE=path/to/s4/models/s4/s4.py (from a checkout of github.com/state-spaces/s4) also times
# the official S4Block; that module needs einops and scipy besides torch.
S4_SOURCE ?=
peers:
	@test -x $(PEERS_VENV)/bin/python || python3 -m venv $(PEERS_VENV)
	@$(PEERS_VENV)/bin/python -c "import torch" 2>/dev/null \
	  || $(PEERS_VENV)/bin/pip install --quiet torch $(TORCH_PIP_ARGS)
	@if [ -n "$(S4_SOURCE)" ]; then \
	  $(PEERS_VENV)/bin/python -c "import einops, scipy" 2>/dev/null \
	    || $(PEERS_VENV)/bin/pip install --quiet einops scipy; \
	fi
	$(PEERS_VENV)/bin/python Benchmarks/Peers/pytorch_peers.py \
	  $(if $(S4_SOURCE),--s4-source $(S4_SOURCE)) $(PEERS_ARGS)

clean:
	rm -rf .build .build-tuned .build-peers
