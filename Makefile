# dealtemp - GNU make build.
#
#   make               build/dealtemp-milter, build/dealtemp, build/libdealtemp.a
#   make check         build and run every test (unit suites, miltertest, real Postfix)
#   make check SANITIZE=1   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench         benchmarks, printed as numbers
#   make run           install what is missing, build, run the milter in the foreground
#   make deps          install the Debian packages this project needs (root)
#   make format        clang-format the tree
#
# Every source in milter/ except the two programs goes into libdealtemp.a;
# every tests/check_<module>.c is a Check suite linked against it.

CC       ?= cc
PREFIX   ?= /usr/local
SYSCONFDIR ?= $(PREFIX)/etc/dealtemp
DATADIR  ?= $(PREFIX)/share/dealtemp

ifeq ($(SANITIZE),1)
BUILD    ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD    ?= build
SANFLAGS :=
endif

PKGS     := milter libetpan libconfig sqlite3
# libetpan's .pc adds a gcc-only -specs flag; clang and the sanitizers want it gone.
PKG_CFLAGS := $(filter-out -specs=%,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
PKG_LIBS   := $(filter-out -specs=%,$(shell pkg-config --libs $(PKGS) 2>/dev/null))
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-format-nonliteral
CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) -pthread \
            -Iinclude $(PKG_CFLAGS) -DDT_DATADIR='"$(DATADIR)"' -DDT_SYSCONFDIR='"$(SYSCONFDIR)"' \
            -MMD -MP
LDLIBS   := $(PKG_LIBS) -pthread -lm

PROGRAMS := dealtemp-milter dealtemp
LIB_SRCS := $(filter-out $(addprefix milter/,$(addsuffix .c,$(PROGRAMS))),$(wildcard milter/*.c))
LIB_OBJS := $(LIB_SRCS:milter/%.c=$(BUILD)/obj/%.o)
LIB      := $(BUILD)/libdealtemp.a
BINS     := $(addprefix $(BUILD)/,$(PROGRAMS))
TEST_SRCS := $(wildcard tests/check_*.c)
TESTS    := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
TEST_SUPPORT := $(wildcard tests/support/*.c)
BENCH    := $(BUILD)/bench

.SECONDARY:
.PHONY: all check unit integration bench run deps format clean install uninstall
all: $(BINS) $(LIB)

$(BUILD)/obj/%.o: milter/%.c | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%: $(BUILD)/obj/%.o $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT) $(LIB) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Itests/support -o $@ $< $(TEST_SUPPORT) $(LIB) $(CHECK_LIBS) $(LDLIBS)

$(BENCH): tests/bench/bench.c $(LIB) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD) $(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

# The unit suites run from the top directory so fixtures are found as tests/data/...
# CK_FORK=yes keeps one crashing test from hiding the others.
unit: $(TESTS) $(BINS)
	@set -e; for t in $(TESTS); do echo "== $$t"; CK_FORK=yes DT_BUILD=$(BUILD) $$t; done

integration: $(BINS)
	@set -e; for t in tests/integration/run-*.sh; do echo "== $$t"; DT_BUILD=$(BUILD) bash $$t; done

check: all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory integration
	@echo "make check: all tests passed ($(BUILD))"

bench: $(BENCH) $(BINS)
	DT_BUILD=$(BUILD) $(BENCH)

run: deps all
	mkdir -p var
	$(BUILD)/dealtemp-milter -f -c conf/dealtemp.conf

deps:
	@sh contrib/deps.sh

format:
	clang-format -i $(wildcard milter/*.c include/dealtemp/*.h tests/*.c tests/*/*.c)

clean:
	rm -rf build build-san

-include $(LIB_OBJS:.o=.d) $(BUILD)/obj/dealtemp-milter.d $(BUILD)/obj/dealtemp.d
