# gupbench: top-level build. Plain make, quiet unless V=1.
#
#   make            build bench/gupbench (static) and harness/gupharness, and
#                   bench/gupbench.aarch64 (static, for arm64 guests) when the
#                   aarch64 cross toolchain and arm64 libraries are installed
#   make check      every test (unit, sanitizer, fault injection, end-to-end)
#   make demo       the main job: 6.1 vs 6.12 seed run, comparison and chart
#   make deps       install the Debian packages the project needs (root)
#   make SANITIZE=1 build with ASan/UBSan into build-san/
#   make fuzz       libFuzzer on the stream, matrix, plan, series and console parsers
#                   (clang; FUZZ_SECONDS per target, default 120: 10 minutes)

CC      ?= gcc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wno-error=unused-parameter
BASEFL  := -std=c11 -D_GNU_SOURCE -MMD -MP $(WARN) -I.
.DELETE_ON_ERROR:

ifeq ($(SANITIZE),1)
O       := build-san
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
BENCH_STATIC :=
BENCH_BIN := $(O)/gupbench
HARNESS_BIN := $(O)/gupharness
else ifeq ($(FUZZ),1)
# libFuzzer needs clang; objects go to their own tree (gcc's ASan runtime differs).
O       := build-fuzz
CC      := $(or $(FUZZ_CC),clang)
CFLAGS  := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=fuzzer,address,undefined
BENCH_STATIC :=
BENCH_BIN := $(O)/gupbench
HARNESS_BIN := $(O)/gupharness
else
O       := build
BENCH_STATIC := -static
BENCH_BIN := bench/gupbench
HARNESS_BIN := harness/gupharness
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# make install: where an installed gupharness finds its shipped files (util.c
# data_path), compiled in (build/gen/paths.c, rewritten when they change);
# $GUPBENCH_DATA and $GUPBENCH_LIBEXEC override them at run time.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/gupbench
LIBEXECDIR ?= $(PREFIX)/libexec/gupbench
MANDIR     ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

# lib/ holds what both programs share; the bench links only the pieces it
# uses (diagnostics, the JSON key check, statistics), the harness all of lib/.
BENCH_LIB_SRC := lib/diag.c lib/jsonkeys.c lib/stats.c
BENCH_SRC   := $(filter-out bench/gupbench.c,$(wildcard bench/*.c)) $(BENCH_LIB_SRC)
# The harness checks stored keys with the bench's own option table, which
# names the workload table, which names the workloads: the bench's modules
# (not its main) go into the harness library; the linker keeps what is used.
BENCH_OPTS_SRC := $(filter-out bench/gupbench.c,$(wildcard bench/*.c))
HARNESS_SRC := $(wildcard lib/*.c) $(BENCH_OPTS_SRC) $(wildcard results/*.c) \
               $(wildcard harness/*/*.c)
BENCH_OBJ   := $(patsubst %.c,$(O)/%.o,$(BENCH_SRC))
HARNESS_OBJ := $(patsubst %.c,$(O)/%.o,$(HARNESS_SRC)) $(O)/gen/schema.o $(O)/gen/references.o $(O)/gen/paths.o

BENCH_LIBS   := -ljansson -lm
HARNESS_LIBS := -lsqlite3 -ljansson -lm -lpthread

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRC))

# The arm64 guest's /init: the same bench sources, cross-compiled and linked
# statically against the arm64 jansson and numa of Debian multiarch. Built
# only when all three are installed (`make deps` installs them); otherwise a
# one-line notice. Not part of the sanitizer build.
AARCH64_CROSS ?= aarch64-linux-gnu-
AARCH64_O     := build-aarch64
AARCH64_BENCH := bench/gupbench.aarch64
AARCH64_HAVE  := $(and $(shell command -v $(AARCH64_CROSS)gcc 2>/dev/null),\
                 $(wildcard $(shell $(AARCH64_CROSS)gcc -print-file-name=libjansson.a 2>/dev/null)),\
                 $(wildcard $(shell $(AARCH64_CROSS)gcc -print-file-name=libnuma.a 2>/dev/null)))
AARCH64_OBJ   := $(patsubst %.c,$(AARCH64_O)/%.o,bench/gupbench.c $(BENCH_SRC))
ifeq ($(SANITIZE),1)
AARCH64_ALL   :=
else ifneq ($(AARCH64_HAVE),)
AARCH64_ALL   := $(AARCH64_BENCH)
else
AARCH64_ALL   := aarch64-notice
endif

all: $(BENCH_BIN) $(HARNESS_BIN) $(AARCH64_ALL)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASEFL) $(CFLAGS) -DGUPBENCH_VERSION='"$(VERSION)"' -c -o $@ $<

# The schema and the reference figures are compiled in (db_schema_sql,
# db_references_json), so the installed binary never reads the repository
# to open a database: each line of the file becomes a C string.
EMBED = { echo '/* generated from $(1) by the Makefile; do not edit */'; \
	  echo 'extern const char $(2)[];'; echo 'const char $(2)[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $(1); echo ';'; } >$@

$(O)/gen/schema.c: results/schema.sql
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(call EMBED,$<,db_schema_sql)

$(O)/gen/references.c: results/references.json
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(call EMBED,$<,db_references_json)

# The install directories as C strings; the file changes only when they do.
$(O)/gen/paths.c: FORCE
	@mkdir -p $(dir $@)
	$(Q)printf '%s\n' '/* generated by the Makefile from DATADIR and LIBEXECDIR; do not edit */' \
	  'extern const char gupbench_datadir[], gupbench_libexecdir[];' \
	  'const char gupbench_datadir[] = "$(DATADIR)";' \
	  'const char gupbench_libexecdir[] = "$(LIBEXECDIR)";' >$@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

$(O)/gen/%.o: $(O)/gen/%.c
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASEFL) $(CFLAGS) -c -o $@ $<

$(O)/libbench.a: $(BENCH_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/libharness.a: $(HARNESS_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BENCH_BIN): $(O)/bench/gupbench.o $(O)/libbench.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $(BENCH_STATIC) -o $@ $^ $(BENCH_LIBS)

$(HARNESS_BIN): $(O)/harness/gupharness.o $(O)/libharness.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(HARNESS_LIBS)

$(AARCH64_O)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (aarch64)")
	$(Q)$(AARCH64_CROSS)gcc $(BASEFL) $(CFLAGS) -DGUPBENCH_VERSION='"$(VERSION)"' -c -o $@ $<

$(AARCH64_BENCH): $(AARCH64_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(AARCH64_CROSS)gcc $(LDFLAGS) -static -o $@ $^ $(BENCH_LIBS)

aarch64-notice:
	@echo "  SKIP    $(AARCH64_BENCH): no $(AARCH64_CROSS)gcc with static arm64 jansson/numa; 'make deps' installs gcc-aarch64-linux-gnu libjansson-dev:arm64 libnuma-dev:arm64" >&2

# Unit tests: test_bench_* link the bench library, everything else the harness one.
# $(filter): the -MMD dependency files add headers to the prerequisites.
$(O)/tests/test_bench_%: tests/unit/test_bench_%.c $(O)/libbench.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(BASEFL) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.a,$^) $(BENCH_LIBS)

$(O)/tests/test_%: tests/unit/test_%.c $(O)/libharness.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(BASEFL) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.a,$^) $(HARNESS_LIBS)

# test_spawn makes fork fail on demand: its calls from spawn.c go through the test.
$(O)/tests/test_spawn: LDFLAGS += -Wl,--wrap=fork

unit: all $(UNIT_BIN)

# Fuzz targets (make FUZZ=1 fuzz-targets): the plan parser is the guest's.
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(O)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

$(O)/fuzz/fuzz_plan: tests/fuzz/fuzz_plan.c $(O)/libbench.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(BASEFL) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.a,$^) $(BENCH_LIBS)

$(O)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(O)/libharness.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(BASEFL) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.a,$^) $(HARNESS_LIBS)

fuzz-targets: $(FUZZ_BIN)

fuzz:
	$(Q)FUZZ_SECONDS=$(or $(FUZZ_SECONDS),120) bash tests/fuzz/run.sh

# Man pages: rendered by the harness from its own --help texts, so they
# are made from the same option tables and cannot drift from them.
MAN_CMDS  := kernel matrix run compare db plot nightly site bisect explain
MAN_PAGES := $(O)/man/gupharness.1 $(O)/man/gupbench.1 $(patsubst %,$(O)/man/gupharness-%.1,$(MAN_CMDS))

$(O)/man/gupharness.1: $(HARNESS_BIN)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MAN     $@")
	$(Q)$(HARNESS_BIN) help --man >$@

$(O)/man/gupbench.1: $(HARNESS_BIN)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MAN     $@")
	$(Q)$(HARNESS_BIN) help --man gupbench >$@

$(O)/man/gupharness-%.1: $(HARNESS_BIN)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  MAN     $@")
	$(Q)$(HARNESS_BIN) help --man $* >$@

man: $(MAN_PAGES)

# make install PREFIX=... DESTDIR=...: the programs in BINDIR, the guest
# benches in LIBEXECDIR (bin/gupbench links to the x86_64 one), the shipped
# data in DATADIR, man pages and bash completion. The data list is one
# variable so the install test can see what each entry brings.
INSTALL_DATA := harness/matrices harness/configs plots kernel-patches
install: all man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(HARNESS_BIN) $(DESTDIR)$(BINDIR)/gupharness
	install -m 755 $(BENCH_BIN) $(filter $(AARCH64_BENCH),$(AARCH64_ALL)) $(DESTDIR)$(LIBEXECDIR)/
	ln -sf $(LIBEXECDIR)/gupbench $(DESTDIR)$(BINDIR)/gupbench
	for d in $(INSTALL_DATA); do \
		install -d $(DESTDIR)$(DATADIR)/$$(basename $$d) && \
		cp -R $$d/. $(DESTDIR)$(DATADIR)/$$(basename $$d)/ || exit 1; \
	done
	rm -rf $(DESTDIR)$(DATADIR)/plots/out
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 harness/gupharness-completion.bash $(DESTDIR)$(BASHCOMPDIR)/gupharness

deps:
	$(Q)bash harness/install-deps.sh

check: deps
	$(Q)bash tests/run-all.sh

demo: deps
	$(Q)bash harness/demo.sh

clean:
	rm -rf build build-san build-fuzz $(AARCH64_O) bench/gupbench $(AARCH64_BENCH) harness/gupharness tests/out

.PHONY: all unit fuzz-targets fuzz deps check demo clean aarch64-notice install man FORCE

-include $(shell find $(O) $(AARCH64_O) -name '*.d' 2>/dev/null)
