# hs: one non-recursive Makefile.  common/*.c -> libhs.a, then each
# cmd/<tool>/*.c -> bin/<tool>.  Nothing here needs editing to add a
# tool, a common/ module, a unit test or a CLI test: they are found.
#
#   make                       build bin/*
#   make check                 install deps if missing, build, run all tests
#   make SANITIZE=address,undefined check
#   make check-valgrind T=...  the same tests, every tool under valgrind
#   make BUILD=/tmp/b check    build elsewhere (parallel work trees)
#   make install PREFIX=/usr/local DESTDIR=...
#   make bench | demo | fuzz | lint

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= gcc
SANITIZE ?=
ifneq ($(SANITIZE),)
BUILD ?= build/san
else
BUILD ?= .
endif
OBJ := $(BUILD)/obj
BIN := $(BUILD)/bin
TBIN := $(BUILD)/obj/tests

# V=1 shows the commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
HS_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
	-Icommon -I/usr/include/librdkafka -DPCRE2_CODE_UNIT_WIDTH=8 -pthread
LDLIBS := -Wl,--as-needed -lrdkafka -ljq -lcurl -lzstd -lpcre2-8 -lcrypto -lpthread -lm
ifneq ($(SANITIZE),)
HS_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

COMMON_SRC := $(sort $(wildcard common/*.c))
COMMON_OBJ := $(COMMON_SRC:%.c=$(OBJ)/%.o)
LIBHS := $(OBJ)/libhs.a
TOOLS := $(sort $(patsubst cmd/%/main.c,%,$(wildcard cmd/hs-*/main.c)))
BINS := $(TOOLS:%=$(BIN)/%)
UNIT_SRC := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(TBIN)/%)
SVC_SRC := $(sort $(wildcard tests/services/*.c))
SVC_BINS := $(SVC_SRC:tests/services/%.c=$(TBIN)/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.c=$(TBIN)/%)

.PHONY: all check check-valgrind check-unit check-cli deps test-bins bench demo fuzz lint install clean
.DELETE_ON_ERROR:

all: $(BINS)

$(OBJ)/%.o: %.c $(wildcard common/*.h cmd/*/*.h) | $(OBJ)/.dirs
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HS_CFLAGS) $(CFLAGS) -c -o $@ $<

$(OBJ)/.dirs:
	@mkdir -p $(OBJ) $(BIN) $(TBIN) && touch $@

$(LIBHS): $(COMMON_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

# Each tool: every .c file in its folder, linked with libhs.a.
define tool_rule
$(BIN)/$(1): $(patsubst %.c,$(OBJ)/%.o,$(wildcard cmd/$(1)/*.c)) $(LIBHS)
	$$(Q)$$(CC) $$(HS_CFLAGS) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))

$(TBIN)/%: $(OBJ)/tests/unit/%.o $(LIBHS)
	$(Q)$(CC) $(HS_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(TBIN)/%: $(OBJ)/tests/services/%.o $(LIBHS)
	$(Q)$(CC) $(HS_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(TBIN)/%: $(OBJ)/tests/fuzz/%.o $(OBJ)/tests/fuzz/driver.o $(LIBHS)
	$(Q)$(CC) $(HS_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

test-bins: $(BINS) $(UNIT_BINS) $(SVC_BINS) $(FUZZ_BINS)

deps:
	@scripts/deps

# T=pattern limits the run to tests whose path contains "pattern".
# Without T=, the tests are followed by make lint (about 3 s).
check: deps
	@$(MAKE) --no-print-directory test-bins
	@HS_BUILD=$(BUILD) HS_SANITIZE=$(SANITIZE) scripts/run-tests $(T)
	@$(if $(T),:,$(MAKE) --no-print-directory lint)

# Every hs binary the tests run (through PATH) and every unit test runs
# under valgrind; an error or a definite leak exits 99 and fails the
# test.  Each suppression in tests/valgrind.supp says why it is there.
# Slow: narrow it with T=.
VALGRIND ?= valgrind --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite \
	--suppressions=$(CURDIR)/tests/valgrind.supp -q
check-valgrind: deps
	@command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 3; }
	@$(MAKE) --no-print-directory test-bins
	@HS_BUILD=$(BUILD) HS_EXEC_PREFIX="$(VALGRIND)" scripts/run-tests $(T)

# STYLE.md's checkable rules, then the man pages against the built tools.
lint: $(BINS)
	@scripts/check-style
	@scripts/check-man $(BIN)

bench: deps
	@$(MAKE) --no-print-directory all $(SVC_BINS)
	@HS_BUILD=$(BUILD) scripts/bench

demo: deps
	@$(MAKE) --no-print-directory all $(SVC_BINS)
	@HS_BUILD=$(BUILD) scripts/demo

# libFuzzer builds of the same targets, each run for FUZZ_SECONDS.
FUZZ_SECONDS ?= 30
fuzz: deps
	@HS_BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

install: $(BINS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man7
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 $(wildcard man/*.7) $(DESTDIR)$(PREFIX)/share/man/man7/

clean:
	rm -rf obj bin build
