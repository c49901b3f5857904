# embed.mk — installing wippy for embedders (included by the Makefile;
# everything about `make install`, the shared libraries, pkg-config files
# and examples/embed/ lives here, nothing else).
#
#   make install [PREFIX=/usr/local] [DESTDIR=...]   the CLI, libraries, headers, .pc files, man page
#   make uninstall [PREFIX=...] [DESTDIR=...]        removes exactly what install put there
#   make shared                                      the three shared libraries, in $(BUILD)
#   make check-embed                                 (part of check) stage an install in
#                                                    $(BUILD)/stage, check its exports and
#                                                    headers, build and run examples/embed/
#
# Three libraries, each whole on its own, so an embedder links only what it
# uses (doc/embedding.md):
#   wippy-vm    the engine (vm/)                          public header wippy/vm.h
#   wippy-wasi  the engine + WASI preview 1 (wasi/, sys/)   + wippy/wasi.h
#   wippy       everything (process host, config, Lua)    + wippy/host.h, value.h, config.h, ...
# Each comes as lib*.a and lib*.so.$(SOVERSION) exporting exactly the
# functions of its public headers (a version script made from them by
# tools/public_api.py; tools/check_exports.sh compares `nm -D`).

PREFIX      ?= /usr/local
DESTDIR     ?=
WIPPY_SOVERSION := 0
WIPPY_RELEASE   := 0.1.0
BINDIR      = $(PREFIX)/bin
LIBDIR      = $(PREFIX)/lib
INCDIR      = $(PREFIX)/include
PCDIR       = $(LIBDIR)/pkgconfig
MAN1DIR     = $(PREFIX)/share/man/man1

# Public headers of each part, as source paths (installed flat under
# include/wippy/, their `#include "DIR/NAME.h"` rewritten to "NAME.h").
PUB_VM_H    := vm/vm.h
PUB_WASI_H  := $(PUB_VM_H) wasi/wasi.h
PUB_FULL_H  := $(PUB_WASI_H) host/value.h host/host.h config/config.h config/yaml_tree.h config/arena.h \
              sha256/sha256.h

PIC_DIR     := $(BUILD)/pic
VM_PIC      := $(patsubst %.c,$(PIC_DIR)/%.o,$(wildcard vm/*.c))
WASI_PIC    := $(VM_PIC) $(patsubst %.c,$(PIC_DIR)/%.o,$(wildcard wasi/*.c sys/*.c))
FULL_PIC    := $(LIB_SRC:%.c=$(PIC_DIR)/%.o)
VM_OBJ      := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard vm/*.c))
WASI_OBJ    := $(VM_OBJ) $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard wasi/*.c sys/*.c))

SHARED_LIBS := $(BUILD)/libwippy-vm.so.$(WIPPY_RELEASE) $(BUILD)/libwippy-wasi.so.$(WIPPY_RELEASE) \
               $(BUILD)/libwippy.so.$(WIPPY_RELEASE)
STATIC_PARTS := $(BUILD)/libwippy-vm.a $(BUILD)/libwippy-wasi.a

.PHONY: shared install uninstall check-embed
shared: $(SHARED_LIBS) $(STATIC_PARTS)

$(PIC_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(YAML_CFLAGS) $(CFLAGS) -fPIC -MMD -MP -c -o $@ $<

$(BUILD)/libwippy-vm.a: $(VM_OBJ)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/libwippy-wasi.a: $(WASI_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/wippy-vm.map: $(PUB_VM_H) tools/public_api.py
	@mkdir -p $(dir $@)
	tools/public_api.py map WIPPY_VM_$(WIPPY_SOVERSION) $(PUB_VM_H) > $@
$(BUILD)/wippy-wasi.map: $(PUB_WASI_H) tools/public_api.py
	@mkdir -p $(dir $@)
	tools/public_api.py map WIPPY_WASI_$(WIPPY_SOVERSION) $(PUB_WASI_H) > $@
$(BUILD)/wippy.map: $(PUB_FULL_H) tools/public_api.py
	@mkdir -p $(dir $@)
	tools/public_api.py map WIPPY_$(WIPPY_SOVERSION) $(PUB_FULL_H) > $@

# --no-undefined: a shared library names every library it needs.
SO_LINK = $(CC) $(LDFLAGS) -shared -Wl,--no-undefined -Wl,-z,relro -Wl,-z,now
$(BUILD)/libwippy-vm.so.$(WIPPY_RELEASE): $(VM_PIC) $(BUILD)/wippy-vm.map
	$(SO_LINK) -Wl,-soname,libwippy-vm.so.$(WIPPY_SOVERSION) -Wl,--version-script=$(BUILD)/wippy-vm.map \
	    -o $@ $(VM_PIC) -lm
$(BUILD)/libwippy-wasi.so.$(WIPPY_RELEASE): $(WASI_PIC) $(BUILD)/wippy-wasi.map
	$(SO_LINK) -Wl,-soname,libwippy-wasi.so.$(WIPPY_SOVERSION) -Wl,--version-script=$(BUILD)/wippy-wasi.map \
	    -o $@ $(WASI_PIC) -lm
$(BUILD)/libwippy.so.$(WIPPY_RELEASE): $(FULL_PIC) $(BUILD)/wippy.map
	$(SO_LINK) -Wl,-soname,libwippy.so.$(WIPPY_SOVERSION) -Wl,--version-script=$(BUILD)/wippy.map \
	    -o $@ $(FULL_PIC) $(YAML_LIBS) $(LUA_LIBS) -lpthread -lm

# pkg-config files: Libs for the shared link, Libs.private for `--static`.
define wippy_pc
prefix=$(PREFIX)
libdir=$${prefix}/lib
includedir=$${prefix}/include

Name: $(1)
Description: $(2)
Version: $(WIPPY_RELEASE)
Cflags: -I$${includedir}
Libs: -L$${libdir} -l$(1)
Libs.private: $(3)
endef
$(BUILD)/pc/wippy-vm.pc:
	@mkdir -p $(dir $@)
	$(file >$@,$(call wippy_pc,wippy-vm,the wippy WebAssembly engine,-lm))
$(BUILD)/pc/wippy-wasi.pc:
	@mkdir -p $(dir $@)
	$(file >$@,$(call wippy_pc,wippy-wasi,the wippy WebAssembly engine with WASI preview 1,-lm))
$(BUILD)/pc/wippy.pc:
	@mkdir -p $(dir $@)
	$(file >$@,$(call wippy_pc,wippy,wippy: WebAssembly processes configured the way Wippy is,$(YAML_LIBS) $(LUA_LIBS) -lpthread -lm))
PC_FILES := $(BUILD)/pc/wippy-vm.pc $(BUILD)/pc/wippy-wasi.pc $(BUILD)/pc/wippy.pc
# A change of PREFIX or of the Lua switch rewrites them.
$(PC_FILES): $(BUILD)/pc/.prefix-$(subst /,_,$(PREFIX))-lua$(LUA)
$(BUILD)/pc/.prefix-%:
	@mkdir -p $(dir $@) && rm -f $(BUILD)/pc/.prefix-* && touch $@

INSTALLED_H := $(addprefix $(INCDIR)/wippy/,$(notdir $(PUB_FULL_H)))
install: all shared $(PC_FILES)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR)/wippy $(DESTDIR)$(PCDIR) $(DESTDIR)$(MAN1DIR)
	install -m 755 $(WIPPY) $(DESTDIR)$(BINDIR)/wippy
	install -m 644 $(LIB) $(STATIC_PARTS) $(DESTDIR)$(LIBDIR)/
	for n in wippy-vm wippy-wasi wippy; do \
	    install -m 755 $(BUILD)/lib$$n.so.$(WIPPY_RELEASE) $(DESTDIR)$(LIBDIR)/ && \
	    ln -sfn lib$$n.so.$(WIPPY_RELEASE) $(DESTDIR)$(LIBDIR)/lib$$n.so.$(WIPPY_SOVERSION) && \
	    ln -sfn lib$$n.so.$(WIPPY_SOVERSION) $(DESTDIR)$(LIBDIR)/lib$$n.so || exit 1; \
	done
	for h in $(PUB_FULL_H); do \
	    sed 's|^#include "[a-z0-9_/]*/\([a-z0-9_]*\.h\)"|#include "\1"|' $$h > $(DESTDIR)$(INCDIR)/wippy/$$(basename $$h) && \
	    chmod 644 $(DESTDIR)$(INCDIR)/wippy/$$(basename $$h) || exit 1; \
	done
	install -m 644 $(PC_FILES) $(DESTDIR)$(PCDIR)/
	install -m 644 doc/wippy.1 $(DESTDIR)$(MAN1DIR)/wippy.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/wippy $(DESTDIR)$(MAN1DIR)/wippy.1 $(addprefix $(DESTDIR),$(INSTALLED_H))
	for n in wippy-vm wippy-wasi wippy; do \
	    rm -f $(DESTDIR)$(LIBDIR)/lib$$n.a $(DESTDIR)$(LIBDIR)/lib$$n.so $(DESTDIR)$(LIBDIR)/lib$$n.so.$(WIPPY_SOVERSION) \
	          $(DESTDIR)$(LIBDIR)/lib$$n.so.$(WIPPY_RELEASE) $(DESTDIR)$(PCDIR)/$$n.pc; \
	done
	-rmdir $(DESTDIR)$(INCDIR)/wippy 2>/dev/null

# The examples' guests, built from source, and the whole check.
EMBED_DIR := $(BUILD)/embed
EMBED_GUESTS := $(EMBED_DIR)/math.wasm $(EMBED_DIR)/ticker.wasm $(EMBED_DIR)/cat_upper.wasm
$(EMBED_DIR)/%.wasm: examples/embed/%.wat
	@mkdir -p $(dir $@)
	$(WAT2WASM) -o $@ $<
$(EMBED_DIR)/cat_upper.wasm: examples/embed/cat_upper.c
	@mkdir -p $(dir $@)
	$(WASM_CC) --target=wasm32-wasi -O1 -o $@ $<

# Everything install needs is built here first, so the inner make only copies.
check-embed: all shared $(PC_FILES) $(EMBED_GUESTS)
	rm -rf $(EMBED_DIR)/stage
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(EMBED_DIR)/stage
	CC="$(CC) $(SANFLAGS)" tools/check_embed.sh $(CURDIR)/$(EMBED_DIR)/stage $(PREFIX) $(EMBED_DIR) $(EMBED_DIR)/out
	$(MAKE) --no-print-directory uninstall DESTDIR=$(CURDIR)/$(EMBED_DIR)/stage
	@left=$$(find $(EMBED_DIR)/stage -type f -o -type l); \
	    if [ -n "$$left" ]; then echo "uninstall left: $$left"; exit 1; fi; \
	    echo "check-embed: uninstall removed every installed file"

-include $(FULL_PIC:.o=.d)
