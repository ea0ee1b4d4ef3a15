# swift-s4: two commands do everything.
#   make bench   install missing system packages, build in release mode, print the benchmark tables
#   make test    install missing system packages, run the whole test suite in release mode

SWIFT ?= swift
# Debian's OpenBLAS 0.3.21 does not recognise CPUs newer than it and can fall back to a slow
# generic kernel; the figures in Benchmarks/RESULTS.md were taken with the Haswell kernel.
# An explicit setting in the environment wins (for example OPENBLAS_CORETYPE=SkylakeX).
OPENBLAS_CORETYPE ?= Haswell
export OPENBLAS_CORETYPE

APT_PACKAGES := libopenblas-dev liblapacke-dev pkgconf
BENCH_ARGS ?=
# Flags of the tuned build: Swift code generated for this host's CPU (AVX-512 where present).
TUNED_FLAGS := -Xswiftc -target-cpu -Xswiftc native -Xswiftc -DS4_TUNED_BUILD

.PHONY: deps build test bench bench-quick bench-tuned clean

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

build: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) build -c release --build-tests -Xswiftc -enable-testing
	$(SWIFT) test -c release -Xswiftc -enable-testing --skip-build

bench: deps
	$(SWIFT) build -c release --product s4-bench
	.build/release/s4-bench $(BENCH_ARGS)

bench-quick: deps
	$(SWIFT) build -c release --product s4-bench
	.build/release/s4-bench --quick $(BENCH_ARGS)

bench-tuned: deps
	$(SWIFT) build -c release --product s4-bench --scratch-path .build-tuned $(TUNED_FLAGS)
	.build-tuned/release/s4-bench $(BENCH_ARGS)

clean:
	rm -rf .build .build-tuned
