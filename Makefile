# mx-opt: the two commands are `make demo` and `make check`.
#
# Both install the Debian packages that are missing (apt-get, as root or via
# sudo), configure with CMake + Ninja, build, then run the demo or the tests.
#
#   make demo            set up, build, run the main job on the example model
#   make accuracy        the digits CNN table into docs/Accuracy.md
#   make check           set up, build, run every test (lit + unit tests)
#   make build           set up and build only
#   make docs            regenerate docs/generated/ from ODS
#   make install PREFIX=/opt/mx   install tools, libraries, headers, MXConfig.cmake
#   make bench           benchmarks (a few minutes; not part of check; installs
#                        the reference libraries oneDNN and OpenBLAS)
#   make format          clang-format-22 the C++ sources

BUILD_DIR ?= build
PREFIX ?= /usr/local
BUILD_TYPE ?= Release
LLVM_PREFIX := /usr/lib/llvm-22
JOBS ?= $(shell nproc)

# Debian packages the build and the tests need.
PACKAGES := libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools libomp-dev \
            cmake ninja-build g++ python3 zlib1g-dev libgtest-dev

# Only `make bench` needs these: the reference matmuls (oneDNN u8s8s32 and f32
# matmul, OpenBLAS sgemm). The build and `make check` work without them.
BENCH_PACKAGES := libdnnl-dev libopenblas-dev

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps bench-deps install-packages configure build check check-lit check-unit demo accuracy docs install bench format clean

all: build

# Install only what is missing; `apt-get update` once, when something is.
deps:
	@$(MAKE) --no-print-directory install-packages PKGS="$(PACKAGES)"

bench-deps:
	@$(MAKE) --no-print-directory install-packages PKGS="$(BENCH_PACKAGES)"

install-packages:
	@missing=""; for p in $(PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BUILD_DIR)/build.ninja: | deps
	cmake -G Ninja -S . -B $(BUILD_DIR) \
	  -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DMLIR_DIR=$(LLVM_PREFIX)/lib/cmake/mlir \
	  -DLLVM_EXTERNAL_LIT=$(LLVM_PREFIX)/bin/lit \
	  -DCMAKE_INSTALL_PREFIX=$(PREFIX)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	ninja -C $(BUILD_DIR) -j $(JOBS)

check: build
	ninja -C $(BUILD_DIR) -j $(JOBS) check-mx-all

demo: build
	./examples/demo.sh $(BUILD_DIR)

accuracy: build
	./examples/digits/run.sh $(BUILD_DIR) --markdown docs/Accuracy.md

docs: configure
	ninja -C $(BUILD_DIR) mx-docs

install: build
	cmake --install $(BUILD_DIR) --prefix $(PREFIX)

# bench-deps runs after the build is configured, so CMake is run again to
# find the reference libraries it may just have installed.
bench: build
	@$(MAKE) --no-print-directory bench-deps
	cmake $(BUILD_DIR) > /dev/null
	ninja -C $(BUILD_DIR) mx-bench

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format-22 -i

clean:
	rm -rf $(BUILD_DIR)
