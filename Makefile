# mxtrace: build, test, install. GNU make.
.DELETE_ON_ERROR:
# Fragments in mk/ may define targets; none of them becomes the default.
.DEFAULT_GOAL := all
.SUFFIXES:

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
DESTDIR   ?=
CC        ?= cc
CLANG     ?= clang
BUILD     ?= build
CFLAGS    ?= -O2 -g
WARN      := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
             -Wmissing-prototypes -Wvla
ifneq ($(WERROR),)
WARN      += -Werror
endif
ifneq ($(SANITIZE),)
# `override`: `make sanitize` passes CFLAGS on the command line, which would otherwise
# silently drop these and build without instrumentation.
override CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
override LDFLAGS += -fsanitize=$(SANITIZE)
endif
CPPFLAGS  += -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Iinclude -I$(BUILD)/gen
LDLIBS    += -lz
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

# The binary lives at the top for the default build, inside $(BUILD) otherwise.
ifeq ($(BUILD),build)
BIN       := mxtrace
else
BIN       := $(BUILD)/mxtrace
endif

LIB_SRC   := $(sort $(wildcard src/base/*.c src/data/*.c src/transport/*.c src/parse/*.c \
                                src/logic/*.c src/pipeline/*.c)) \
             $(filter-out src/cli/main.c,$(sort $(wildcard src/cli/*.c)))
GEN_SRC   :=
LIB_OBJ    = $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(GEN_SRC:%.c=%.o)
LIB       := $(BUILD)/libmxtrace.a

UNIT_SRC  := $(sort $(wildcard tests/unit/check_*.c))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TESTLIB   := $(sort $(wildcard tests/unit/util_*.c))

FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/replay_%)
FUZZ_LIBF := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/libfuzzer_%)

LAB_SRC   := $(sort $(wildcard tests/lab/*.c))
LAB_BIN   := $(LAB_SRC:tests/lab/%.c=$(BUILD)/lab/%)

TOOL_SRC  := $(sort $(wildcard tools/*.c))
TOOL_BIN  := $(TOOL_SRC:tools/%.c=$(BUILD)/tools/%)

-include mk/*.mk

.PHONY: deps all check unit fuzz-replay lab-tests sanitize fuzz install uninstall clean run bench

all: $(BIN) $(LAB_BIN) $(TOOL_BIN)

# Objects depend on the flags they were built with: changing CFLAGS or SANITIZE rebuilds.
FLAGS_STAMP := $(BUILD)/.flags
FLAGS_NOW   := $(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS)
$(shell mkdir -p $(BUILD); [ "$$(cat $(FLAGS_STAMP) 2>/dev/null)" = '$(FLAGS_NOW)' ] || \
	printf '%s' '$(FLAGS_NOW)' > $(FLAGS_STAMP))

$(BUILD)/obj/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(BUILD)/obj/src/cli/main.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/check_%: tests/unit/check_%.c $(TESTLIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(WARN) $(CHECK_CFLAGS) $(LDFLAGS) -o $@ \
		$< $(TESTLIB) $(LIB) $(CHECK_LIBS) $(LDLIBS)

# Fuzz targets, replay build: a plain main() feeds every corpus file to the target.
$(BUILD)/fuzz/replay_%: tests/fuzz/%.c tests/fuzz/replay_main.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< tests/fuzz/replay_main.c \
		$(LIB) $(LDLIBS)

$(BUILD)/lab/%: tests/lab/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tools/%: tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

unit: $(UNIT_BIN)
fuzz-replay: $(FUZZ_REPLAY)

# All tests: unit suites, fuzz corpus replay, then the lab (integration) scripts.
check: all unit fuzz-replay
	@MXTRACE=$(abspath $(BIN)) BUILD=$(abspath $(BUILD)) sh tests/run.sh

# ASan + UBSan build in its own directory, re-running every test.
sanitize:
	$(MAKE) BUILD=build/sanitize SANITIZE=address,undefined CFLAGS="-O1 -g" check

# libFuzzer builds (clang); run one with e.g. build/fuzz/libfuzzer_fuzz_dns_msg corpus-dir
fuzz:
	$(MAKE) BUILD=build/fuzz-clang CC=$(CLANG) CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" \
		LDFLAGS="-fsanitize=address,undefined" fuzz-bins
fuzz-bins: $(FUZZ_LIBF)
$(BUILD)/fuzz/libfuzzer_%: tests/fuzz/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# Debian packages for building and testing (uses sudo when not root).
deps:
	sh tools/install-deps

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/mxtrace
	install -m 644 man/mxtrace.1 $(DESTDIR)$(MANDIR)/man1/mxtrace.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mxtrace $(DESTDIR)$(MANDIR)/man1/mxtrace.1

clean:
	rm -rf build mxtrace

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# The README's main-job command: the example lab and a trace of the example scams.
run:: all
	@if [ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then \
		sudo env MXTRACE=$(abspath $(BIN)) BUILD=$(BUILD) sh tests/lab/demo.sh; \
	else \
		MXTRACE=$(abspath $(BIN)) BUILD=$(BUILD) sh tests/lab/demo.sh; \
	fi
