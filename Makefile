# wippy in C — the build.
#
#   make                  build/libwippy.a, build/wippy, the example app's .wasm
#   make check            build and run every test (Check unit tests + CLI tests), after
#                         checking that every global symbol carries its folder's prefix
#   make check SANITIZE=1 the same, built with -fsanitize=address,undefined (in build/asan)
#   make example          the quick-start job: `wippy run list` on examples/
#   make spec             the WebAssembly spec testsuite: the core (SPEC_DIR, default
#                         ../shared/testsuite/core) and the tail-call, extended-const and
#                         multi-memory proposals (PROPOSALS_DIR, default ../shared/testsuite/proposals),
#                         then the Component Model scripts (CM_DIR) converted and run by
#                         build/cm-runner (testsuite/cm_spec.sh); also in check
#   make cm-convert       convert the Component Model .wast scripts (CM_DIR, default
#                         ../shared/testsuite/component-model) into build/cm-spec: JSON
#                         commands and .wasm files, with jco (`npm ci` first if needed)
#   make bench-sha256     SHA-256 throughput next to openssl and sha256sum
#   make bench-js         a componentize-js component under `wippy wasm run` and `jco run`:
#                         start-up wall time (hyperfine) and peak RSS; bulk stream writes
#   make bench-host       process host figures: spawn rate (core module and component), memory per parked process, yield round trip
#   make bench-http       200 component processes parked on a wasi:http request each: wall time
#   make bench-serve      `wippy wasm serve` vs `jco serve` of a componentize-js handler under wrk
#   make wasi-test        the WASI testsuite (WASI_DIR, default ../shared/testsuite/wasi), then the same
#                         programs as WASI 0.2 components (WASI_ADAPTER, from COMPONENTS_DIR); also in check
#   make bench            the benchmark programs (BENCH_DIR, default ../shared/bench), wippy vs native
#   make fuzz             libFuzzer on the engine, the loaders (YAML entries, wit:, WASI paths, spec
#                         JSON) and the Component Model, FUZZ_SECONDS (60) each: prints each target's
#                         executions and findings; crashes go to build/fuzz-crashes
#   make fuzz-diff        differential fuzzing against binaryen's interpreter for FUZZ_SECONDS:
#                         prints `fuzz-diff: N modules, M mismatches`, keeps each mismatch in
#                         build/fuzz-diff (doc/fuzzing.md); a fixed-seed run is part of check
#   make fuzz-component   libFuzzer on the Component Model (decode → instantiate → call) for FUZZ_SECONDS
#   make soak             the process host soaked for SOAK_SECONDS (300) under ASan+UBSan:
#                         storms of WASM and Lua processes, every end and EXIT checked
#                         (doc/process-host.md "Soak"); make soak-tsan under ThreadSanitizer
#   make bench-lua        Lua process figures: spawn -> EXIT from Lua, Lua<->Lua message round trip
#   make bench-adapter    instructions per adapter call between component instances (callgrind;
#                         BASE=another/wippy measures that binary too, in the same run)
#   make bench-translate  decode + validate + translate speed (MB/s of code section)
#   make setup            install the Debian packages the project needs (as root)
#   make groups-profile   propose vm/groups.h's groups from a profile of the benchmark
#                         programs (build/profile, PROFILE=1) into $(BUILD)/groups.proposed.h
#   make interp-expanded  the interpreter preprocessed, for reading: $(BUILD)/interp.expanded.c
#
# Switches: SANITIZE=1 (SANITIZE=thread: ThreadSanitizer, in build/tsan),
# SHA256_PORTABLE=1 (compile out the SHA-NI path), DISPATCH=switch (the
# interpreter's portable switch dispatch), PROFILE=1 (count every instruction
# run, translate no groups: for make groups-profile), CC=clang,
# LUA=0 (leave Lua 5.4 out: process.lua entries are then refused), STATIC=1
# (link build/wippy static-pie, without wasi:http: it cannot dlopen libcurl),
# MINIMAL=1 (the engine and WASI preview 1 only, in build/minimal: mk/minimal.mk),
# GROUPS=0 (compile out the superinstruction groups, vm/groups.h: a smaller
# interpreter; with MINIMAL=1 in build/minimal-nogroups).

CC       ?= cc
SANITIZE ?= 0
STATIC   ?= 0
SHA256_PORTABLE ?= 0
LUA      ?= 1
WAT2WASM ?= wat2wasm
WASM_CC  ?= clang

# MINIMAL=1: the engine and WASI preview 1 only (mk/minimal.mk).
ifeq ($(MINIMAL)$(GROUPS),10)
BUILD    ?= build/minimal-nogroups
endif
ifeq ($(MINIMAL),1)
BUILD    ?= build/minimal
endif
ifeq ($(SANITIZE),1)
BUILD    ?= build/asan
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
override STATIC := 0
else ifeq ($(SANITIZE),thread)
# ThreadSanitizer (make soak-tsan); Lua and libyaml stay uninstrumented.
BUILD    ?= build/tsan
SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
override STATIC := 0
else
BUILD    ?= build
SANFLAGS :=
endif

PKGS      = yaml-0.1
CPPFLAGS += -I. -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Werror $(SANFLAGS)
LDFLAGS  += $(SANFLAGS)
ifeq ($(SHA256_PORTABLE),1)
CPPFLAGS += -DSHA256_PORTABLE_ONLY
endif
ifeq ($(DISPATCH),switch)
CPPFLAGS += -DVM_PORTABLE_DISPATCH
endif
ifeq ($(PROFILE),1)
CPPFLAGS += -DVM_PROFILE
endif
ifeq ($(GROUPS),0)
CPPFLAGS += -DVM_NO_GROUPS
endif
SPEC_DIR ?= ../shared/testsuite/core
PROPOSALS_DIR ?= ../shared/testsuite/proposals
WASI_DIR ?= ../shared/testsuite/wasi
COMPONENTS_DIR ?= ../shared/testsuite/components
WASI_ADAPTER ?= $(COMPONENTS_DIR)/adapters/wasi_snapshot_preview1.command.0cdada77.wasm
WASI_P1_WASM := $(wildcard $(WASI_DIR)/*/*.wasm)
WASI_COMPONENTS := $(WASI_P1_WASM:$(WASI_DIR)/%.wasm=$(BUILD)/wasi-components/%.component.wasm)
BENCH_DIR ?= ../shared/bench
CM_DIR ?= ../shared/testsuite/component-model

# libcurl (wasi:http's client, wasi/p2/http_client.c): its headers at
# build time; the library itself is loaded with dlopen at the first request.
CURL_CFLAGS  = $(shell pkg-config --cflags libcurl 2>/dev/null)
CPPFLAGS    += $(CURL_CFLAGS)
ifeq ($(STATIC),1)
CPPFLAGS    += -DWIPPY_STATIC
endif
YAML_CFLAGS  = $(shell pkg-config --cflags yaml-0.1 2>/dev/null)
YAML_LIBS    = $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)
# OpenSSL's libssl: the unit tests' own TLS server (tests/test_wasi_p2_http_net.c) only.
SSL_LIBS     = $(shell pkg-config --libs openssl 2>/dev/null || echo -lssl -lcrypto)

# The library: every .c of the engine folders and of host/ with its rooms;
# host/cli/main.c is the CLI's main(). Lua processes are host/lua/*.c; with
# LUA=0, host/lua/disabled.c stands in for them. The engine first: `wasm run`
# starts by touching it, and code that runs together sits together in the
# binary (fewer pages mapped at start-up).
CLI_SRC  := $(filter-out host/cli/main.c,$(wildcard host/cli/*.c))
LIB_SRC  := $(CLI_SRC) $(wildcard vm/*.c wasi/*.c wasi/p2/*.c sys/*.c sha256/*.c config/*.c)
LIB_SRC  += $(wildcard component/*.c)
LIB_SRC  += $(wildcard host/*.c host/abi/*.c)
ifeq ($(LUA),1)
LUA_CFLAGS = $(shell pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)
LUA_LIBS   = $(shell pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4)
CPPFLAGS  += -DWIPPY_LUA=1 $(LUA_CFLAGS)
LIB_SRC   += $(filter-out host/lua/disabled.c,$(wildcard host/lua/*.c))
else
LUA_LIBS   =
LIB_SRC   += host/lua/disabled.c
endif
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(wildcard tests/*.c)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/testsuite/json.o $(BUILD)/obj/testsuite/spec_values.o \
            $(BUILD)/obj/testsuite/fuzz_compare.o
TEST_WAT := $(wildcard tests/wasm/*.wat)
TEST_WASM := $(TEST_WAT:%.wat=$(BUILD)/%.wasm)
TEST_CM_WAT := $(wildcard tests/component/*.wat)
TEST_CM_WASM := $(TEST_CM_WAT:%.wat=$(BUILD)/%.wasm)
TEST_WASI_C := $(wildcard tests/wasi_c/*.c)
TEST_WASI_WASM := $(TEST_WASI_C:%.c=$(BUILD)/%.wasm)
# Guests made WASI 0.2 command components with the preview 1 adapter.
TEST_P1_COMPONENTS := $(BUILD)/tests/wasi_c/stream_bulk.component.wasm
# JavaScript components, built once into build/js (see their rule below).
WIT_DIR ?= ../shared/wit/wasi-0.2.3
JS_COMPONENTS := $(patsubst tests/js/%.js,build/js/%.wasm,$(wildcard tests/js/*.js))
# C guests calling WASI 0.2 directly, made into components (tests/wasi_p2/).
TEST_P2_C := $(wildcard tests/wasi_p2/*.c)
TEST_P2_WASM := $(TEST_P2_C:%.c=$(BUILD)/%.component.wasm)
WASI_P2_WIT ?= ../shared/wit/wasi-0.2.3
# Guests that are also built natively, for a test to compare the two outputs.
TEST_NATIVE := $(BUILD)/tests/native/simd_kernels
SPEC_SRC := $(filter-out testsuite/json.c testsuite/cm_%.c testsuite/fuzz_%.c,$(wildcard testsuite/*.c))
SPEC_OBJ := $(SPEC_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/testsuite/json.o
CM_RUNNER_SRC := $(wildcard testsuite/cm_*.c)
CM_RUNNER_OBJ := $(CM_RUNNER_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/testsuite/json.o

LIB   := $(BUILD)/libwippy.a
WIPPY := $(BUILD)/wippy
TESTS := $(BUILD)/unit-tests
ifeq ($(MINIMAL),1)
include mk/minimal.mk
endif

EXAMPLE_WAT  := $(wildcard examples/wat/*.wat)
EXAMPLE_C    := $(wildcard examples/c/*.c)
EXAMPLE_P2   := $(wildcard examples/p2/*.c)
EXAMPLE_WASM := $(EXAMPLE_WAT:examples/wat/%.wat=examples/wasm/%.wasm) \
                $(EXAMPLE_C:examples/c/%.c=examples/wasm/%.wasm) \
                $(EXAMPLE_P2:examples/p2/%.c=examples/wasm/%.wasm)

.PHONY: all setup example check spec bench-sha256 fuzz fuzz-component clean
all: $(LIB) $(WIPPY) $(EXAMPLE_WASM)

setup:
	@tools/setup.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(YAML_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CHECK_CFLAGS) $(CFLAGS) -DTEST_SOURCE_DIR='"$(CURDIR)"' \
	    -DTEST_BUILD_DIR='"$(CURDIR)/$(BUILD)"' -DTEST_COMPONENTS_DIR='"$(abspath $(COMPONENTS_DIR))"' \
	    -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# The binary links glibc shared (STATIC=0, the default) so that wasi:http
# can dlopen libcurl at a process's first request (RATIONALE.md): `wasm run
# hello` 2.2 ms user+system and 3.0 MiB peak RSS, against 1.8 ms and 2.3
# MiB static-pie and 7.1 ms and 9.3 MiB with -lcurl linked. libyaml and Lua
# stay static. STATIC=1 links static-pie (nothing to map and relocate at
# start-up), without wasi:http; never with the sanitizers, which need the
# dynamic loader. valgrind's leak check needs the shared malloc of STATIC=0.
ifneq ($(MINIMAL),1)
$(WIPPY): $(BUILD)/obj/host/cli/main.o $(LIB)
ifeq ($(STATIC),1)
	$(CC) $(LDFLAGS) -static-pie -o $@ $^ $(YAML_LIBS) $(LUA_LIBS) -ldl -lpthread -lm
else
	$(CC) $(LDFLAGS) -o $@ $^ -Wl,-Bstatic $(YAML_LIBS) $(LUA_LIBS) -Wl,-Bdynamic -ldl -lpthread -lm
endif
endif

$(TESTS): $(TEST_OBJ) $(LIB) | $(TEST_WASM) $(TEST_CM_WASM) $(TEST_WASI_WASM) $(TEST_P2_WASM) $(TEST_NATIVE) $(JS_COMPONENTS) $(TEST_P1_COMPONENTS)
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(LIB) $(CHECK_LIBS) $(SSL_LIBS) $(YAML_LIBS) $(LUA_LIBS) -ldl -lpthread -lm

# A fixture that uses a proposal beyond Wasm 2.0 gets wat2wasm's flag for it.
$(BUILD)/tests/wasm/features_extended_const.wasm: WAT2WASM_FLAGS = --enable-extended-const
$(BUILD)/tests/wasm/multi_memory.wasm: WAT2WASM_FLAGS = --enable-multi-memory
$(BUILD)/tests/wasm/multi_memory_imports.wasm: WAT2WASM_FLAGS = --enable-multi-memory
$(BUILD)/tests/wasm/tail_calls.wasm $(BUILD)/tests/wasm/tail_calls_other.wasm: WAT2WASM_FLAGS = --enable-tail-call
$(BUILD)/tests/wasm/simd.wasm: WAT2WASM_FLAGS = --enable-tail-call --enable-multi-memory
$(BUILD)/tests/wasm/%.wasm: tests/wasm/%.wat
	@mkdir -p $(dir $@)
	$(WAT2WASM) --debug-names $(WAT2WASM_FLAGS) -o $@ $<

# Hand-written components (component text) are assembled by jco's wasm-tools.
$(BUILD)/tests/component/%.wasm: tests/component/%.wat node_modules/.package-lock.json
	@mkdir -p $(dir $@)
	npx jco parse $< -o $@

# JavaScript components (tests/js/NAME.js and its world NAME.wit), built by
# componentize-js (SpiderMonkey inside, ~13 MB, about a minute each): once,
# into build/js, which the plain and the sanitizer builds share.
build/js/%.wasm: tests/js/%.js tests/js/%.wit tools/build_js.mjs node_modules/.package-lock.json
	@mkdir -p $(dir $@)
	node tools/build_js.mjs $< tests/js/$*.wit $(WIT_DIR) $@
# C guests calling WASI 0.2 directly: a core module with no libc (its
# imports and cabi_realloc by hand, tests/wasi_p2/guest_p2.h), then a
# component with the world P2_WORLD of tests/wasi_p2/guests.wit, whose WASI
# packages come from WASI_P2_WIT (tools/component_from_core.mjs: jco's
# componentEmbed + componentNew).
P2_WORLD = command
$(BUILD)/tests/wasi_p2/http_client.component.wasm: P2_WORLD = http-client
$(BUILD)/tests/wasi_p2/http_echo.component.wasm: P2_WORLD = http-echo
$(BUILD)/tests/wasi_p2/%.core.wasm: tests/wasi_p2/%.c tests/wasi_p2/guest_p2.h
	@mkdir -p $(dir $@)
	clang --target=wasm32 -O2 -nostdlib -Wall -Wextra -Werror -Wl,--no-entry -Wl,--export-dynamic -o $@ $<
$(BUILD)/tests/wasi_p2/%.component.wasm: $(BUILD)/tests/wasi_p2/%.core.wasm tests/wasi_p2/guests.wit \
                                         tools/component_from_core.mjs node_modules/.package-lock.json
	node tools/component_from_core.mjs $< $@ tests/wasi_p2/guests.wit $(P2_WORLD) $(WASI_P2_WIT)

# Guests are built at -O1 without SIMD, except simd_kernels: -O2 -msimd128
# lets clang vectorise its loops into v128 code and enables <wasm_simd128.h>.
WASI_C_FLAGS = -O1
$(BUILD)/tests/wasi_c/simd_kernels.wasm: WASI_C_FLAGS = -O2 -msimd128 -Wall -Wextra -Werror
$(TEST_WASI_WASM): tests/wasi_c/guest.h
# Compiled, then linked without -O: clang runs binaryen's wasm-opt on a
# wasm link given -O when one is on PATH (make setup installs binaryen),
# which would change the guests and the examples' hashes.
$(BUILD)/tests/wasi_c/%.wasm: tests/wasi_c/%.c
	@mkdir -p $(dir $@)
	clang --target=wasm32-wasi $(WASI_C_FLAGS) -c -o $@.o $<
	clang --target=wasm32-wasi -o $@ $@.o && rm -f $@.o

# A guest made a WASI 0.2 command component with the preview 1 adapter
# (from COMPONENTS_DIR, by path), so its stdio goes through wasi:io/streams.
$(BUILD)/tests/wasi_c/%.component.wasm: $(BUILD)/tests/wasi_c/%.wasm node_modules/.package-lock.json
	npx jco new $< --wasi-command \
	    --adapt wasi_snapshot_preview1=$(COMPONENTS_DIR)/adapters/wasi_snapshot_preview1.command.0cdada77.wasm -o $@

# The native twin of a guest (test_simd_program.c compares their outputs).
$(BUILD)/tests/native/%: tests/wasi_c/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lm

$(BUILD)/spec-runner: $(SPEC_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ -lm

$(BUILD)/cm-runner: $(CM_RUNNER_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ -lm

# The differential fuzzer (doc/fuzzing.md): build/fuzz-exec runs a module
# made by binaryen's `wasm-opt -ttf` as binaryen's --fuzz-exec does and
# compares the outputs; testsuite/fuzz_diff.sh drives it.
FUZZ_EXEC_OBJ := $(BUILD)/obj/testsuite/fuzz_exec.o $(BUILD)/obj/testsuite/fuzz_compare.o
$(BUILD)/fuzz-exec: $(FUZZ_EXEC_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ -lm

# make fuzz-diff: random seeds for FUZZ_SECONDS, each module also run in
# fuel slices of 1 and 7, with no groups, and by a DISPATCH=switch build
# (in $(BUILD)/switch); mismatches are kept in $(BUILD)/fuzz-diff. make
# check runs the fixed seeds 1..FUZZ_CHECK_SEEDS (about 30 s).
FUZZ_CHECK_SEEDS ?= 120
.PHONY: fuzz-diff
fuzz-diff: setup $(BUILD)/fuzz-exec
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/switch DISPATCH=switch $(BUILD)/switch/fuzz-exec
	nice -n 19 testsuite/fuzz_diff.sh $(BUILD)/fuzz-exec $(BUILD)/fuzz-diff --seconds $(FUZZ_SECONDS) \
	    $(BUILD)/switch/fuzz-exec

spec: setup $(BUILD)/spec-runner $(BUILD)/cm-runner node_modules/.package-lock.json
	testsuite/spec.sh $(BUILD)/spec-runner $(BUILD)/spec $(SPEC_DIR) $(PROPOSALS_DIR)
	testsuite/cm_spec.sh $(BUILD)/cm-runner $(BUILD)/cm-spec $(CM_DIR)

# The Component Model scripts, converted only (`make spec` and `make check`
# convert and run them with testsuite/cm_spec.sh). jco comes from
# package-lock.json: `npm ci` installs it when node_modules is missing or
# older than the lock (npm writes node_modules/.package-lock.json at each
# install).
.PHONY: cm-convert
cm-convert: node_modules/.package-lock.json
	testsuite/cm_convert.sh $(BUILD)/cm-spec $(CM_DIR)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci

examples/wasm/%.wasm: examples/wat/%.wat
	@mkdir -p $(dir $@)
	$(WAT2WASM) -o $@ $<

# C examples are WASI reactors; clang's output is deterministic, so the
# hashes in examples/src/_index.yaml stay valid (a test checks them).
# Compiled and linked in two steps: a link given -O runs binaryen's wasm-opt
# when one is on PATH, and the bytes would depend on that.
examples/wasm/%.wasm: examples/c/%.c
	@mkdir -p $(dir $@) $(BUILD)/examples
	$(WASM_CC) --target=wasm32-wasi -O2 -c -o $(BUILD)/examples/$*.o $<
	$(WASM_CC) --target=wasm32-wasi -mexec-model=reactor -Wl,--strip-debug -o $@ $(BUILD)/examples/$*.o

# Components of the example app (examples/p2/NAME.c and its world NAME.wit,
# the world named NAME with - for _): the C guest pipeline of tests/wasi_p2
# (a core module without libc, then tools/component_from_core.mjs), whose
# output is deterministic too (two steps, as above).
examples/wasm/%.wasm: examples/p2/%.c examples/p2/%.wit tests/wasi_p2/guest_p2.h \
                      tools/component_from_core.mjs node_modules/.package-lock.json
	@mkdir -p $(dir $@) $(BUILD)/examples
	$(WASM_CC) --target=wasm32 -O2 -Wall -Wextra -Werror -Itests/wasi_p2 -c -o $(BUILD)/examples/$*.o $<
	$(WASM_CC) --target=wasm32 -nostdlib -Wl,--no-entry -Wl,--export-dynamic \
	    -o $(BUILD)/examples/$*.core.wasm $(BUILD)/examples/$*.o
	node tools/component_from_core.mjs $(BUILD)/examples/$*.core.wasm $@ examples/p2/$*.wit \
	    $(subst _,-,$*) $(WASI_P2_WIT)

# The example app: its commands, then each of them run as a process
# (not `fetch`: it needs a server at API_URL, see examples/src/_index.yaml).
example: setup all
	$(WIPPY) --dir examples run list
	$(WIPPY) --dir examples run greet World
	$(WIPPY) --dir examples run nap 200
	$(WIPPY) --dir examples run process-files
	@cat examples/data/output/report.txt
ifeq ($(LUA),1)
	$(WIPPY) --dir examples run spawn-demo
	$(WIPPY) --dir examples run supervise-demo
	$(WIPPY) --dir examples run ping-pong 10000
endif

check: setup all $(TESTS) $(BUILD)/spec-runner $(BUILD)/cm-runner $(BUILD)/fuzz-exec node_modules/.package-lock.json $(WASI_COMPONENTS)
	tools/check_symbols.sh $(BUILD)/obj
	WIPPY=$(CURDIR)/$(WIPPY) $(TESTS)
	testsuite/spec.sh $(BUILD)/spec-runner $(BUILD)/spec $(SPEC_DIR) $(PROPOSALS_DIR)
	testsuite/cm_spec.sh $(BUILD)/cm-runner $(BUILD)/cm-spec $(CM_DIR)
	$(WASI_TEST)
	testsuite/fuzz_diff.sh $(BUILD)/fuzz-exec $(BUILD)/fuzz-diff-check --seeds 1 $(FUZZ_CHECK_SEEDS)

# The WASI testsuite through `wippy wasm run`, on a scratch copy of WASI_DIR:
# the preview 1 programs (every failure fails the run), then each of them
# wrapped into a WASI 0.2 command component with the preview 1 adapter
# (a failure fails the run unless testsuite/wasi_components.expected lists
# it with its cause; a listed test that passes fails it too). Both run even
# when the first fails.
WASI_TEST = testsuite/wasi_runner.sh $(WIPPY) $(WASI_DIR) $(BUILD)/wasi-scratch; p1=$$?; \
	testsuite/wasi_runner.sh --components $(BUILD)/wasi-components testsuite/wasi_components.expected \
	    $(WIPPY) $(WASI_DIR) $(BUILD)/wasi-scratch && [ $$p1 -eq 0 ]
.PHONY: wasi-test bench
wasi-test: setup all $(WASI_COMPONENTS)
	$(WASI_TEST)

# The testsuite's programs as components: `jco new P1.wasm --adapt
# wasi_snapshot_preview1=$(WASI_ADAPTER)`, all in one node process
# (tools/p1_adapt.mjs remakes only the outputs older than their program,
# the adapter or itself; the touch then tells make the group is current).
$(WASI_COMPONENTS) &: $(WASI_P1_WASM) $(WASI_ADAPTER) tools/p1_adapt.mjs | node_modules/.package-lock.json
	node tools/p1_adapt.mjs $(WASI_ADAPTER) $(WASI_DIR) $(BUILD)/wasi-components $(WASI_P1_WASM)
	@touch $(WASI_COMPONENTS)

# wippy wasm run next to native clang -O2 builds; figures only, never asserted
# (measure a plain build: SANITIZE=1 would time the sanitizers).
bench: setup all
	bench/run.sh $(WIPPY) $(BENCH_DIR) $(BUILD)/bench-native

bench-sha256: setup
	@$(MAKE) --no-print-directory SANITIZE=0 $(BUILD)/bench-sha256
	bench/sha256.sh $(BUILD)/bench-sha256

$(BUILD)/bench-sha256: bench/sha256_speed.c $(LIB)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $^

# Decode + validate + translate speed, MB/s of code section (printed, not
# asserted), over the benchmark programs, the WASI testsuite's and the
# C test programs built for the tests.
.PHONY: bench-translate
bench-translate: setup all $(TEST_WASI_WASM)
	@$(MAKE) --no-print-directory SANITIZE=0 $(BUILD)/bench-translate
	$(BUILD)/bench-translate $(wildcard $(BENCH_DIR)/wasm/*.wasm) $(wildcard $(WASI_DIR)/*/*.wasm) \
	    $(TEST_WASI_WASM)

$(BUILD)/bench-translate: bench/translate_speed.c $(LIB)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $^ -lm

# The process host's figures (printed, not asserted), on the test fixtures.
.PHONY: bench-host
bench-host: setup all $(TEST_WASM)
	@$(MAKE) --no-print-directory SANITIZE=0 $(BUILD)/bench-host
	$(BUILD)/bench-host $(CURDIR)/$(BUILD) $(CURDIR) $(abspath $(COMPONENTS_DIR))

$(BUILD)/bench-host: bench/host_bench.c $(LIB)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $^ $(YAML_LIBS) $(LUA_LIBS) -ldl -lpthread -lm

# A JavaScript component's start-up and peak RSS under `wippy wasm run` and
# `jco run`, and bulk stream writes (printed, never asserted).
.PHONY: bench-js
bench-js: setup all $(JS_COMPONENTS) $(TEST_P1_COMPONENTS)
	bench/js.sh $(WIPPY) build/js/hello.wasm $(BUILD)/tests/wasi_c/stream_bulk.component.wasm

# The cost of an adapter call between component instances, counted by
# callgrind (printed, never asserted); BASE=path/to/wippy counts it too.
.PHONY: bench-adapter
bench-adapter: setup all $(BUILD)/bench/adapter_call.wasm
	bench/adapter_call.sh $(WIPPY) $(BUILD)/bench/adapter_call.wasm 20000 $(BASE)

$(BUILD)/bench/adapter_call.wasm: bench/adapter_call.wat node_modules/.package-lock.json
	@mkdir -p $(dir $@)
	npx jco parse $< -o $@
# wasi:http figures (printed, never asserted): 200 component processes
# parked on one request each against a server answering after 100 ms
# (bench/http_bench.c); `wippy wasm serve` beside `jco serve` of the same
# componentize-js handler (tests/js/serve.js) under wrk (bench/serve.sh).
.PHONY: bench-http bench-serve
bench-http: setup all $(TEST_P2_WASM)
	@$(MAKE) --no-print-directory SANITIZE=0 $(BUILD)/bench-http
	$(BUILD)/bench-http $(CURDIR)/$(BUILD)

$(BUILD)/bench-http: bench/http_bench.c $(LIB)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $^ $(YAML_LIBS) $(LUA_LIBS) -ldl -lpthread -lm

bench-serve: setup all build/js/serve.wasm
	bench/serve.sh $(WIPPY) build/js/serve.wasm

# Lua processes' figures (printed, not asserted): spawn -> EXIT of a WASM
# process from Lua, and a Lua <-> Lua message round trip.
.PHONY: bench-lua
bench-lua: setup all
	@$(MAKE) --no-print-directory SANITIZE=0 $(BUILD)/bench-lua
	$(BUILD)/bench-lua $(CURDIR)

$(BUILD)/bench-lua: bench/lua_bench.c $(LIB)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $^ $(YAML_LIBS) $(LUA_LIBS) -ldl -lpthread -lm

# make soak / make soak-tsan: the process host soaked for SOAK_SECONDS on 2
# workers (tests/soak/, doc/process-host.md "Soak"): storms of WASM and Lua
# processes killed, linked and monitored at random, supervised services
# restarting; every end checked against a prediction, every EXIT counted,
# RSS after warm-up against the end, a watchdog for stalls. Under ASan+UBSan
# (build/asan) or ThreadSanitizer (build/tsan); not part of check.
# SOAK_SEED=N replays a run's choices.
SOAK_SECONDS ?= 300
SOAK_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out tests/soak/soak_fifo.c,$(wildcard tests/soak/*.c)))
SOAK_GUESTS = $(BUILD)/tests/wasm/host_basic.wasm $(BUILD)/tests/wasm/host_yield.wasm \
              $(BUILD)/tests/soak/soak_fifo.wasm
$(BUILD)/tests/soak/soak_fifo.wasm: tests/soak/soak_fifo.c
	@mkdir -p $(dir $@)
	clang --target=wasm32-wasi -O1 -Wall -Wextra -Werror -c -o $@.o $<
	clang --target=wasm32-wasi -mexec-model=reactor -o $@ $@.o && rm -f $@.o
$(BUILD)/soak: $(SOAK_OBJ) $(LIB) | $(SOAK_GUESTS)
	$(CC) $(LDFLAGS) -o $@ $(SOAK_OBJ) $(LIB) $(YAML_LIBS) $(LUA_LIBS) -ldl -lpthread -lm
.PHONY: soak soak-tsan
soak: setup
	@$(MAKE) --no-print-directory SANITIZE=1 build/asan/soak
	ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=64 SOAK_SECONDS=$(SOAK_SECONDS) build/asan/soak build/asan $(CURDIR)
# Under TSan the resident set is not bounded: ThreadSanitizer's own
# bookkeeping grows by 60-90 MiB a second here (the same code stays flat
# under ASan): SOAK_TSAN_SECONDS (90 s, about 9 GiB) keeps it short.
SOAK_TSAN_SECONDS ?= 90
soak-tsan: setup
	@$(MAKE) --no-print-directory SANITIZE=thread build/tsan/soak
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 SOAK_STALL=60 SOAK_SECONDS=$(SOAK_TSAN_SECONDS) \
	    SOAK_RSS_BOUND_MIB=1000000 build/tsan/soak build/tsan $(CURDIR)

# The engine's fuzz target: the vm sources are compiled into it with the
# fuzzer's instrumentation. The corpus is seeded the first time from the spec
# testsuite's modules and the engine tests' fixtures (which carry a name
# section); crash, leak and timeout inputs land in fuzz-crashes.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1 -std=c11 \
                -Wall -Wextra -Werror -D_GNU_SOURCE -I.

# The interpreter is compiled at -O0 there: with the sanitizers, clang -O1
# spends over ten minutes on its one big function (2 at -O0), and its
# bodies are always inlined anyway.
$(BUILD)/fuzz-engine: tests/fuzz/fuzz_engine.c $(wildcard vm/*.c vm/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -O0 -c -o $(BUILD)/fuzz-interp.o vm/interp.c
	clang $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_engine.c $(filter-out vm/interp.c,$(wildcard vm/*.c)) \
	    $(BUILD)/fuzz-interp.o -lm

# The Component Model's fuzz target: component/ and vm/ (and host/value.c,
# the values the canonical ABI lifts into) with the fuzzer's
# instrumentation; seeded from the shared components (COMPONENTS_DIR). It
# runs with a 1 GiB stack: the -O0 interpreter's frame under ASan is about
# 4.5 MiB, and an adapter call between component instances nests two.
$(BUILD)/fuzz-component: tests/fuzz/fuzz_component.c $(wildcard vm/*.c vm/*.h component/*.c component/*.h) \
                         host/value.c host/value_tree.c host/value.h $(BUILD)/fuzz-engine
	clang $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_component.c $(wildcard component/*.c) host/value.c host/value_tree.c \
	    $(filter-out vm/interp.c,$(wildcard vm/*.c)) $(BUILD)/fuzz-interp.o -lm

fuzz-component: setup $(BUILD)/fuzz-component
	@mkdir -p $(BUILD)/fuzz-cm-corpus $(BUILD)/fuzz-crashes
	@if [ -z "$$(ls -A $(BUILD)/fuzz-cm-corpus)" ]; then \
	    for w in $(COMPONENTS_DIR)/wippy/*.wasm $(COMPONENTS_DIR)/jco/*.wasm; do \
	        [ "$$(head -c 8 "$$w" | od -An -tx1 | tr -d ' ')" = "0061736d0d000100" ] && cp "$$w" $(BUILD)/fuzz-cm-corpus/; \
	    done; \
	    echo "fuzz: seeded $(BUILD)/fuzz-cm-corpus with $$(ls $(BUILD)/fuzz-cm-corpus | wc -l) components"; \
	fi
	@ulimit -s 1048576; $(FUZZ_RUN) cm $(BUILD)/fuzz-component $(BUILD)/fuzz-cm-corpus $(BUILD)/fuzz-crashes \
	    $(FUZZ_SECONDS) -rss_limit_mb=4096 -timeout=20 -max_len=4000000

# The loaders' fuzz targets (tests/fuzz/fuzz_{config,wit,resolve,json}.c):
# each is compiled with the sources it loads through, instrumented.
FUZZ_LOADERS := config wit resolve json
FUZZ_SYS := sys/confined_open.c sys/resolve.c sys/netallow.c sys/path_ops.c sys/io.c
$(BUILD)/fuzz-config: tests/fuzz/fuzz_config.c $(wildcard config/*.c config/*.h sys/*.c sys/*.h sha256/*.c)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -o $@ $< $(wildcard config/*.c) $(FUZZ_SYS) $(wildcard sha256/*.c) $(YAML_LIBS)
$(BUILD)/fuzz-wit: tests/fuzz/fuzz_wit.c host/abi/wit.c host/abi/wit.h
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -o $@ $< host/abi/wit.c
$(BUILD)/fuzz-resolve: tests/fuzz/fuzz_resolve.c sys/resolve.c sys/resolve.h
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -o $@ $< sys/resolve.c
$(BUILD)/fuzz-json: tests/fuzz/fuzz_json.c testsuite/json.c testsuite/json.h
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -o $@ $< testsuite/json.c

# make fuzz: every target for FUZZ_SECONDS each (tests/fuzz/fuzz_run.sh
# prints each one's executions and findings). Corpora live in
# build/fuzz-corpus*/ and are seeded the first time: the engine's from the
# spec testsuite's modules and the engine tests' fixtures (which carry a
# name section), the loaders' from the tests' YAML cases, examples, WIT
# and path seeds (tests/fuzz/seeds) and spec JSON made by wast2json.
FUZZ_RUN := tests/fuzz/fuzz_run.sh
fuzz: setup $(BUILD)/fuzz-engine $(BUILD)/fuzz-component $(FUZZ_LOADERS:%=$(BUILD)/fuzz-%) $(TEST_WASM)
	@mkdir -p $(BUILD)/fuzz-corpus $(BUILD)/fuzz-crashes $(FUZZ_LOADERS:%=$(BUILD)/fuzz-corpus-%)
	@if [ -z "$$(ls -A $(BUILD)/fuzz-corpus)" ]; then \
	    tmp=$$(mktemp -d) && \
	    for w in $(SPEC_DIR)/*.wast; do \
	        wast2json "$$w" -o "$$tmp/$$(basename "$$w" .wast).json" >/dev/null 2>&1 || true; \
	    done; \
	    cp "$$tmp"/*.wasm $(TEST_WASM) $(BUILD)/fuzz-corpus/; \
	    for j in "$$tmp"/*.json; do \
	        [ $$(stat -c %s "$$j") -lt 65536 ] && cp "$$j" $(BUILD)/fuzz-corpus-json/; \
	    done; rm -rf "$$tmp"; \
	    echo "fuzz: seeded $(BUILD)/fuzz-corpus with $$(ls $(BUILD)/fuzz-corpus | wc -l) modules"; \
	fi
	@if [ -z "$$(ls -A $(BUILD)/fuzz-corpus-config)" ]; then \
	    i=0; for y in tests/config/cases/*.yaml tests/config/cases/*/*.yaml tests/config/good/*.yaml \
	                  $$(find examples/src tests/config/project -name '*.y*ml'); do \
	        i=$$((i + 1)); cp "$$y" $(BUILD)/fuzz-corpus-config/seed-$$i.yaml; \
	    done; \
	    cp tests/fuzz/seeds/config/* $(BUILD)/fuzz-corpus-config/; \
	    cp tests/fuzz/seeds/wit/* $(BUILD)/fuzz-corpus-wit/; \
	    cp tests/fuzz/seeds/resolve/* $(BUILD)/fuzz-corpus-resolve/; \
	fi
	@$(FUZZ_RUN) engine $(BUILD)/fuzz-engine $(BUILD)/fuzz-corpus $(BUILD)/fuzz-crashes $(FUZZ_SECONDS) \
	    -rss_limit_mb=2048 -timeout=10
	@for t in $(FUZZ_LOADERS); do \
	    $(FUZZ_RUN) $$t $(BUILD)/fuzz-$$t $(BUILD)/fuzz-corpus-$$t $(BUILD)/fuzz-crashes $(FUZZ_SECONDS) \
	        -rss_limit_mb=2048 -timeout=10; \
	done
	@$(MAKE) --no-print-directory fuzz-component

# The groups (vm/groups.h) proposed from a profile: a build that counts
# every instruction it runs (PROFILE=1, in build/profile) runs each
# benchmark program; tools/propose_groups.py reads the counts.
.PHONY: groups-profile interp-expanded
groups-profile: setup
	@$(MAKE) --no-print-directory BUILD=build/profile PROFILE=1 SANITIZE=0 build/profile/wippy
	@mkdir -p $(BUILD)
	python3 tools/propose_groups.py build/profile/wippy $(BENCH_DIR)/wasm > $(BUILD)/groups.proposed.h
	@echo "groups-profile: wrote $(BUILD)/groups.proposed.h (the lists of vm/groups.h)"

# The interpreter after the preprocessor, every handler and body spelled
# out (grep L_I32_XOR_A finds the handler), through clang-format when
# there is one.
interp-expanded:
	@mkdir -p $(BUILD)
	$(CC) $(CPPFLAGS) -E -P vm/interp.c > $(BUILD)/interp.expanded.tmp.c
	if command -v clang-format >/dev/null; then \
	    clang-format --style='{BasedOnStyle: LLVM, ColumnLimit: 100}' $(BUILD)/interp.expanded.tmp.c \
	        > $(BUILD)/interp.expanded.c; \
	else mv $(BUILD)/interp.expanded.tmp.c $(BUILD)/interp.expanded.c; fi
	@rm -f $(BUILD)/interp.expanded.tmp.c
	@echo "interp-expanded: wrote $(BUILD)/interp.expanded.c"

# make install / uninstall, the shared libraries, pkg-config files and
# examples/embed/ (checked in `make check`): their own file.
include mk/embed.mk
check: check-embed
# make cross / cross-unit / cross-wasi ARCH=...: the engine's spec run, its
# Check suites and the WASI testsuite on other CPUs under qemu-user.
include mk/cross.mk

clean:
	rm -rf build examples/wasm

-include $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(SOAK_OBJ:.o=.d) $(SPEC_OBJ:.o=.d) $(CM_RUNNER_OBJ:.o=.d) $(FUZZ_EXEC_OBJ:.o=.d) $(BUILD)/obj/host/cli/main.d
