# cross.mk — `make cross ARCH=aarch64|armhf|riscv64|s390x` (included by the
# Makefile): the engine built with Debian's cross compiler
# (gcc-TRIPLE, static) in build/cross-ARCH, and the spec testsuite run by
# its spec-runner under qemu-user (qemu-user-static, at nice 19). The
# MINIMAL=1 library (vm/, wasi/, sys/) is what is built: the spec runner
# needs only the engine, and no YAML, Lua or Check for the target.
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
	$(MAKE) --no-print-directory MINIMAL=1 BUILD=build/cross-$(ARCH) CC=$(CROSS_TRIPLE_$(ARCH))-gcc \
	    LDFLAGS=-static build/cross-$(ARCH)/spec-runner
	printf '#!/bin/sh\nexec nice -n 19 %s "%s" "$$@"\n' $(CROSS_QEMU_$(ARCH)) \
	    $(CURDIR)/build/cross-$(ARCH)/spec-runner > build/cross-$(ARCH)/spec-runner-qemu
	chmod +x build/cross-$(ARCH)/spec-runner-qemu
	testsuite/spec.sh build/cross-$(ARCH)/spec-runner-qemu build/cross-$(ARCH)/spec $(SPEC_DIR) $(PROPOSALS_DIR)
