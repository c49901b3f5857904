# cross.mk — `make cross ARCH=aarch64|armhf|riscv64|s390x` (included by the
# Makefile): the engine built with Debian's cross compiler
# (gcc-TRIPLE, static) in build/cross-ARCH, and the spec testsuite run by
# its spec-runner under qemu-user (qemu-user-static, at nice 19). The
# MINIMAL=1 library (vm/, wasi/, sys/) is what is built: the spec runner
# needs only the engine, and no YAML, Lua or Check for the target (LUA=0
# and empty CURL_CFLAGS/YAML_CFLAGS: the host's pkg-config paths, such as
# -I/usr/include/x86_64-linux-gnu, must not reach the cross compiler).
# Totals print as in the native `make spec`; any failure fails the run.
CROSS_TRIPLE_aarch64 := aarch64-linux-gnu
CROSS_TRIPLE_armhf   := arm-linux-gnueabihf
CROSS_TRIPLE_riscv64 := riscv64-linux-gnu
CROSS_TRIPLE_s390x   := s390x-linux-gnu
CROSS_QEMU_aarch64   := qemu-aarch64-static
CROSS_QEMU_armhf     := qemu-arm-static
CROSS_QEMU_riscv64   := qemu-riscv64-static
CROSS_QEMU_s390x     := qemu-s390x-static

.PHONY: cross
cross:
	@[ -n "$(CROSS_TRIPLE_$(ARCH))" ] || { echo "make cross: ARCH must be aarch64, armhf, riscv64 or s390x"; exit 2; }
	@command -v $(CROSS_TRIPLE_$(ARCH))-gcc >/dev/null || \
	    { echo "make cross: needs gcc-$(CROSS_TRIPLE_$(ARCH)) (apt-get install gcc-$(CROSS_TRIPLE_$(ARCH)) qemu-user-static)"; exit 2; }
	$(MAKE) --no-print-directory MINIMAL=1 LUA=0 CURL_CFLAGS= YAML_CFLAGS= BUILD=build/cross-$(ARCH) CC=$(CROSS_TRIPLE_$(ARCH))-gcc \
	    LDFLAGS=-static build/cross-$(ARCH)/spec-runner
	printf '#!/bin/sh\nexec nice -n 19 %s "%s" "$$@"\n' $(CROSS_QEMU_$(ARCH)) \
	    $(CURDIR)/build/cross-$(ARCH)/spec-runner > build/cross-$(ARCH)/spec-runner-qemu
	chmod +x build/cross-$(ARCH)/spec-runner-qemu
	testsuite/spec.sh build/cross-$(ARCH)/spec-runner-qemu build/cross-$(ARCH)/spec $(SPEC_DIR) $(PROPOSALS_DIR)

# `make cross-unit ARCH=...`: the engine's Check suites (tests/suites.h's
# ENGINE_TEST_SUITES: numeric, simd, simd_vm, vm, fuse, decode, features,
# multi_memory, memory_pool, tail_call) cross-built against the MINIMAL=1
# library and run under qemu-user. Check for the target comes from the
# Debian archive into build/cross-ARCH/check-sysroot (tools/cross_check.sh,
# on a private apt state: the system's apt and dpkg setup stay as they
# are): Debian's `check` package of the target unpacked where Debian has
# one (arm64, armhf, s390x), else Check's Debian source package
# cross-built (riscv64). Check's timeouts are 50 times longer (qemu at
# nice 19 on a busy machine).
CROSS_DEBARCH_aarch64 := arm64
CROSS_DEBARCH_armhf   := armhf
CROSS_DEBARCH_riscv64 := riscv64
CROSS_DEBARCH_s390x   := s390x
CROSS_UNIT_TESTS := main test_util test_numeric test_simd test_simd_int test_simd_float \
    test_simd_lanes test_simd_portable test_simd_vm test_vm test_fuse test_decode \
    test_decode_reader test_features test_multi_memory test_memory_pool test_tail_call
CROSS_SYSROOT = $(CURDIR)/build/cross-$(ARCH)/check-sysroot

# test_util.c hashes fixtures (sha256/); the suites load tests/wasm/*.wat
# built by the host's wat2wasm into $(BUILD)/tests/wasm.
$(BUILD)/engine-tests: $(CROSS_UNIT_TESTS:%=$(BUILD)/obj/tests/%.o) \
        $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard sha256/*.c)) $(LIB) | $(TEST_WASM)
	$(CC) $(LDFLAGS) -static -o $@ $(filter %.o %.a,$^) $(CHECK_LIBS)

.PHONY: cross-unit
cross-unit:
	@[ -n "$(CROSS_TRIPLE_$(ARCH))" ] || { echo "make cross-unit: ARCH must be aarch64, armhf, riscv64 or s390x"; exit 2; }
	@command -v $(CROSS_TRIPLE_$(ARCH))-gcc >/dev/null || \
	    { echo "make cross-unit: needs gcc-$(CROSS_TRIPLE_$(ARCH)) (apt-get install gcc-$(CROSS_TRIPLE_$(ARCH)) qemu-user-static)"; exit 2; }
	tools/cross_check.sh $(CROSS_DEBARCH_$(ARCH)) $(CROSS_TRIPLE_$(ARCH)) $(CROSS_SYSROOT) build/cross-$(ARCH)/check-apt
	$(MAKE) --no-print-directory MINIMAL=1 LUA=0 CURL_CFLAGS= YAML_CFLAGS= BUILD=build/cross-$(ARCH) CC=$(CROSS_TRIPLE_$(ARCH))-gcc \
	    CHECK_CFLAGS="-I$(CROSS_SYSROOT)/usr/include -DTEST_ENGINE_ONLY" \
	    CHECK_LIBS="-L$(CROSS_SYSROOT)/usr/lib/$(CROSS_TRIPLE_$(ARCH)) -lcheck $$(test -f $(CROSS_SYSROOT)/usr/lib/$(CROSS_TRIPLE_$(ARCH))/libsubunit.a && echo -lsubunit) -lrt -lm -lpthread" \
	    LDFLAGS=-static build/cross-$(ARCH)/engine-tests
	CK_TIMEOUT_MULTIPLIER=50 nice -n 19 $(CROSS_QEMU_$(ARCH)) build/cross-$(ARCH)/engine-tests

# `make cross-wasi ARCH=...`: the WASI preview 1 testsuite (WASI_DIR) through
# the MINIMAL=1 `wippy-run` cross-built and run under qemu-user, by the same
# runner as `make MINIMAL=1 check-minimal`, each test given 60 s instead of
# the suite's 5 (qemu-user at nice 19 on a busy machine).
.PHONY: cross-wasi
cross-wasi:
	@[ -n "$(CROSS_TRIPLE_$(ARCH))" ] || { echo "make cross-wasi: ARCH must be aarch64, armhf, riscv64 or s390x"; exit 2; }
	@command -v $(CROSS_TRIPLE_$(ARCH))-gcc >/dev/null || \
	    { echo "make cross-wasi: needs gcc-$(CROSS_TRIPLE_$(ARCH)) (apt-get install gcc-$(CROSS_TRIPLE_$(ARCH)) qemu-user-static)"; exit 2; }
	$(MAKE) --no-print-directory MINIMAL=1 LUA=0 CURL_CFLAGS= YAML_CFLAGS= BUILD=build/cross-$(ARCH) CC=$(CROSS_TRIPLE_$(ARCH))-gcc \
	    build/cross-$(ARCH)/wippy-run
	printf '#!/bin/sh\nexec nice -n 19 %s "%s" "$$@"\n' $(CROSS_QEMU_$(ARCH)) \
	    $(CURDIR)/build/cross-$(ARCH)/wippy-run > build/cross-$(ARCH)/wippy-run-qemu
	chmod +x build/cross-$(ARCH)/wippy-run-qemu
	WASI_TIMEOUT=60 testsuite/wasi_runner.sh build/cross-$(ARCH)/wippy-run-qemu $(WASI_DIR) build/cross-$(ARCH)/wasi-scratch
