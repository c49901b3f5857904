# minimal.mk — MINIMAL=1 (included by the Makefile when it is set): the
# engine and WASI preview 1 only, for a device with a few hundred KB of
# flash. $(BUILD) defaults to build/minimal; $(LIB) holds vm/, wasi/
# (preview 1, not p2) and sys/; the program is $(BUILD)/wippy-run
# (minimal/wasm_run.c: `wasm run` only), linked statically, with no YAML,
# Lua, process host, Component Model or SHA-256. `make MINIMAL=1 bench`
# times it; `make MINIMAL=1 sizes` prints the sizes; `make MINIMAL=1
# check-minimal` runs the spec testsuite (spec-runner on this library)
# and the WASI testsuite through it. Only these and `all` are meant for
# this build (the unit tests need the full library). With GROUPS=0 (in
# build/minimal-nogroups) the superinstruction groups are compiled out
# (vm/groups.h): the same targets measure and test that build.
LIB_SRC := $(wildcard vm/*.c wasi/*.c sys/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
WIPPY   := $(BUILD)/wippy-run
LUA_LIBS :=

$(WIPPY): $(BUILD)/obj/minimal/wasm_run.o $(LIB)
	$(CC) $(LDFLAGS) -static -o $@ $^ -lm
# The same against the shared glibc: the engine's own size, for comparing
# with other runtimes' dynamically linked CLIs.
$(WIPPY)-dyn: $(BUILD)/obj/minimal/wasm_run.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ -lm

.PHONY: sizes
sizes: $(LIB) $(WIPPY) $(WIPPY)-dyn
	@echo "== size of the minimal library's objects (vm/, wasi/, sys/):"
	@size -t $(LIB) | tail -1
	@echo "== size of $(WIPPY) (static, glibc included) and stripped bytes:"
	@size $(WIPPY) | tail -1
	@strip -o $(WIPPY).stripped $(WIPPY) && wc -c < $(WIPPY).stripped
	@echo "== size of $(WIPPY)-dyn (glibc shared):"
	@size $(WIPPY)-dyn | tail -1

# The spec testsuite on this library and the WASI testsuite through
# wippy-run (the same runners `make check` uses): what the small build
# keeps still passes.
.PHONY: check-minimal
check-minimal: $(WIPPY) $(BUILD)/spec-runner
	testsuite/spec.sh $(BUILD)/spec-runner $(BUILD)/spec $(SPEC_DIR) $(PROPOSALS_DIR)
	testsuite/wasi_runner.sh $(WIPPY) $(WASI_DIR) $(BUILD)/wasi-scratch
