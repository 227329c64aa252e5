# dealtemp - GNU make build.
#
#   make               build/dealtemp-milter, build/dealtemp, build/libdealtemp.a
#   make check         install what is missing, build, run every test (unit suites,
#                      miltertest, real Postfix and Sendmail) with a private PostgreSQL
#   make check SANITIZE=1   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench         install what is missing, build, print benchmarks as numbers
#   make loadtest      the milter under load behind private Postfix instances: no milter,
#                      a do-nothing filter, dealtemp (unix socket and TCP), one table;
#                      then 500 SMTP sessions at once (root)
#   make run           install what is missing, build, run the milter in the foreground
#   make demo          the tour: private Postfix + milter, team history, digests in var/demo/ (root)
#   make deps          install the Debian packages this project needs (root; not root: it
#                      prints the apt-get command and fails)
#   make fuzz          build the libFuzzer targets (tests/fuzz/, clang, ASan + UBSan,
#                      into build-fuzz/) and run each briefly; fails on any finding.
#                      make fuzz FUZZ_TIME=600: each target 600 s, corpus kept
#   make format        clang-format the tree
#   make install       install under PREFIX (/usr/local); DESTDIR= stages it elsewhere
#   make uninstall     remove what install put there, except the configuration
#
# Every source in milter/ except the two programs goes into libdealtemp.a;
# every tests/check_<module>.c is a Check suite linked against it.
#
# check, run, demo and bench run deps first and build in a sub-make: the
# pkg-config flags below are read when make starts, so on a fresh machine
# the make that installs the packages cannot use them; the sub-make reads
# this file again, after deps. make all (and every other target) never
# installs anything: without the packages it fails and names make deps.

CC       ?= cc
PREFIX   ?= /usr/local
SYSCONFDIR ?= $(PREFIX)/etc/dealtemp
DATADIR  ?= $(PREFIX)/share/dealtemp
BINDIR   ?= $(PREFIX)/bin
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
# Both are in systemd's search path for PREFIX=/usr/local and PREFIX=/usr.
SYSTEMDDIR  ?= $(PREFIX)/lib/systemd/system
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d

# make fuzz: the fuzz targets' build (tests/fuzz/run.sh runs them). The
# library is compiled by clang with the same instrumentation as the targets.
FUZZ_BUILD ?= build-fuzz
FUZZ_CC    ?= clang
FUZZ_TARGETS ?= analyze html quote config import digest
FUZZ_RUNS  ?= 2000
FUZZ_TIME  ?=
FUZZ_JOBS  ?= 1

ifeq ($(SANITIZE),1)
BUILD    ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else ifeq ($(FUZZ),1)
BUILD    := $(FUZZ_BUILD)
CC       := $(FUZZ_CC)
CFLAGS   := -O1 -g
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
else
BUILD    ?= build
SANFLAGS :=
endif

PKGS     := milter libetpan libconfig sqlite3 libpq
# libetpan's .pc adds a gcc-only -specs flag; clang and the sanitizers want it gone.
PKG_CFLAGS := $(filter-out -specs=%,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
PKG_LIBS   := $(filter-out -specs=%,$(shell pkg-config --libs $(PKGS) 2>/dev/null))
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)
# The .pc files pkg-config cannot find (all of them without pkg-config):
# building with empty flags would only end in "mfapi.h: No such file".
pkg_have = $(shell pkg-config --exists $(1) 2>/dev/null && echo yes)
PKG_MISSING   := $(strip $(if $(call pkg_have,$(PKGS)),,$(foreach p,$(PKGS),$(if $(call pkg_have,$(p)),,$(p)))))
CHECK_MISSING := $(if $(call pkg_have,check),,check)

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
TEST_HEADERS := $(wildcard tests/*.h tests/support/*.h)
BENCH    := $(BUILD)/bench
BENCH_STORE := $(BUILD)/bench_store
BENCH_EOM := $(BUILD)/bench_eom

.SECONDARY:
.PHONY: all check unit integration bench bench-run loadtest run demo deps format clean install uninstall \
        FORCE have-pkgs have-check fuzz fuzz-build fuzz-bins have-fuzz
all: $(BINS) $(LIB)

$(BUILD)/obj/%.o: milter/%.c | $(BUILD)/obj have-pkgs
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%: $(BUILD)/obj/%.o $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# One compiler run builds a suite from several sources, so its -MMD file
# names the headers of the last source only: the suites' own headers are
# listed here instead.
$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT) $(TEST_HEADERS) $(LIB) | $(BUILD)/tests have-check
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Itests/support -o $@ $< $(TEST_SUPPORT) $(LIB) $(CHECK_LIBS) $(LDLIBS)

# The replay suite runs the fuzz targets' own functions (tests/fuzz/) over
# the findings kept in tests/data/fuzz/: built like any suite, with gcc.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
$(BUILD)/tests/check_fuzz_replay: tests/check_fuzz_replay.c $(FUZZ_SRCS) tests/fuzz/fuzz.h \
        $(TEST_SUPPORT) $(TEST_HEADERS) $(LIB) | $(BUILD)/tests have-check
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Itests/support -Itests/fuzz -o $@ $< $(FUZZ_SRCS) \
	    $(TEST_SUPPORT) $(LIB) $(CHECK_LIBS) $(LDLIBS)

$(BENCH): tests/bench/bench.c $(LIB) | $(BUILD) have-pkgs
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BENCH_STORE): tests/bench/bench_store.c tests/bench/bench_gen.c $(LIB) | $(BUILD) have-pkgs
	$(CC) $(ALL_CFLAGS) -o $@ tests/bench/bench_store.c tests/bench/bench_gen.c $(LIB) $(LDLIBS)

$(BENCH_EOM): tests/bench/bench_eom.c tests/bench/load_mail.h $(LIB) | $(BUILD) have-pkgs
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# html.c against libxml2 and Gumbo (tests/bench/html_compare.c): built on
# request only, as neither library is a dependency of dealtemp.
$(BUILD)/html_compare: tests/bench/html_compare.c milter/html_out.h tests/support/html_families.h $(LIB) | $(BUILD) have-pkgs
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags libxml-2.0 gumbo 2>/dev/null) -o $@ $< $(LIB) \
	    $(shell pkg-config --libs libxml-2.0 gumbo 2>/dev/null) $(LDLIBS)

$(BUILD) $(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

# Order-only guards: nothing is compiled without the flags. Not root and
# packages missing: contrib/deps.sh prints the apt-get command.
have-pkgs:
ifneq ($(PKG_MISSING),)
	@echo "make: pkg-config finds no $(PKG_MISSING): the build dependencies are missing." >&2
	@echo "make: install them with 'make deps' (as root; make check and make run do it first)." >&2
	@exit 1
endif
have-check: have-pkgs
ifneq ($(CHECK_MISSING),)
	@echo "make: pkg-config finds no check (the unit test framework): run 'make deps' (as root)." >&2
	@exit 1
endif

# The objects that embed DT_DATADIR / DT_SYSCONFDIR are rebuilt when those
# change (make; make install PREFIX=/usr must not install /usr/local paths).
$(BUILD)/obj/paths: FORCE | $(BUILD)/obj
	@echo '$(DATADIR) $(SYSCONFDIR)' | cmp -s - $@ || echo '$(DATADIR) $(SYSCONFDIR)' >$@
$(addprefix $(BUILD)/obj/,cli.o config.o dealtemp.o dealtemp-milter.o): $(BUILD)/obj/paths
FORCE:

# The unit suites run from the top directory so fixtures are found as tests/data/...
# CK_FORK=yes keeps one crashing test from hiding the others.
unit: $(TESTS) $(BINS)
	@set -e; for t in $(TESTS); do echo "== $$t"; CK_FORK=yes DT_BUILD=$(BUILD) $$t; done

integration: $(BINS)
	@set -e; for t in tests/integration/run-*.sh; do echo "== $$t"; DT_BUILD=$(BUILD) bash $$t; done

# deps first, then everything else in sub-makes that read the pkg-config
# flags afresh (see the top of this file). unit and integration run inside
# one private PostgreSQL (tests/integration/with-pg.sh: initdb in a temp dir,
# as nobody, 127.0.0.1 and a unix socket, removed at the end), so every suite
# and test sees DT_TEST_PG_URL and friends, and DT_TEST_REQUIRE_PG=1 makes a
# suite that finds none fail instead of leaving its PostgreSQL cases out;
# make unit or make integration alone run without one.
check: deps
	@$(MAKE) --no-print-directory all
	@DT_TEST_REQUIRE_PG=1 bash tests/integration/with-pg.sh sh -c \
	    '$(MAKE) --no-print-directory unit && $(MAKE) --no-print-directory integration'
	@echo "make check: all tests passed ($(BUILD))"

bench: deps
	@$(MAKE) --no-print-directory bench-run

# The store benchmark runs inside a private PostgreSQL with the server's own
# durability settings (DT_PG_STOCK=1, tests/integration/pg-lib.sh), for its
# figures beside SQLite's; bench-milter-pg.sh starts one of its own.
bench-run: $(BENCH) $(BENCH_STORE) $(BENCH_EOM) $(BINS)
	DT_BUILD=$(BUILD) $(BENCH)
	$(BENCH_EOM) && $(BENCH_EOM) -c && $(BENCH_EOM) -u -n 2000 && $(BENCH_EOM) -u -n 16000
	DT_BUILD=$(BUILD) DT_PG_STOCK=1 bash tests/integration/with-pg.sh $(BENCH_STORE)
	DT_BUILD=$(BUILD) bash tests/bench/bench-milter.sh
	DT_BUILD=$(BUILD) bash tests/bench/bench-milter-pg.sh

# tests/bench/loadtest.sh builds its do-nothing filter and SMTP client itself;
# a few minutes (DT_LOAD_CYCLES, DT_LOAD_MESSAGES: longer and steadier). Then
# the 500 sessions at once of tests/integration/run-load.sh (also in make check).
loadtest: deps
	@$(MAKE) --no-print-directory all
	DT_BUILD=$(BUILD) bash tests/bench/loadtest.sh
	DT_BUILD=$(BUILD) bash tests/integration/run-load.sh

run: deps
	@$(MAKE) --no-print-directory all
	mkdir -p var
	$(BUILD)/dealtemp-milter -f -c conf/dealtemp.conf

# The newcomer's tour on loopback; results kept in var/demo/<time>/ (var/demo/latest).
demo: deps
	@$(MAKE) --no-print-directory all
	@DT_BUILD=$(BUILD) bash tests/integration/demo.sh

deps:
	@sh contrib/deps.sh

# make fuzz: build every target in $(FUZZ_BUILD) (a sub-make with FUZZ=1,
# which compiles the library with clang and the fuzzer's instrumentation),
# then tests/fuzz/run.sh seeds them from tests/data and runs each for
# FUZZ_RUNS inputs (or FUZZ_TIME seconds) and fails on any crash, leak,
# timeout or out-of-memory. make fuzz-build only builds.
fuzz: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_TARGETS='$(FUZZ_TARGETS)' FUZZ_RUNS=$(FUZZ_RUNS) \
	    FUZZ_TIME=$(FUZZ_TIME) FUZZ_JOBS=$(FUZZ_JOBS) bash tests/fuzz/run.sh

fuzz-build:
	@$(MAKE) --no-print-directory FUZZ=1 have-fuzz
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-bins

ifeq ($(FUZZ),1)
FUZZ_BINS := $(addprefix $(FUZZ_BUILD)/fuzz_,$(FUZZ_TARGETS))
fuzz-bins: $(FUZZ_BINS)

# The shorter stem wins over $(BUILD)/% (GNU make 3.82 and later). The
# shared helpers and checkers are built without coverage hooks (fuzz.h).
$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/fuzz_common.o tests/fuzz/fuzz.h $(LIB) \
        | have-pkgs
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -DDT_FUZZ_MAIN -DDT_FUZZ_TOP='"$(CURDIR)"' \
	    -Itests/fuzz -o $@ $< $(FUZZ_BUILD)/fuzz_common.o $(LIB) $(LDLIBS)

$(FUZZ_BUILD)/fuzz_common.o: tests/fuzz/fuzz_common.c tests/fuzz/fuzz.h | have-pkgs
	$(CC) $(ALL_CFLAGS) -fno-sanitize=fuzzer-no-link -Itests/fuzz -c -o $@ $<
endif

# clang without libFuzzer (Debian: libclang-rt-dev) fails here, not in the middle of the build.
have-fuzz:
	@echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d == 0 && n; }' | \
	    $(FUZZ_CC) -x c -fsanitize=fuzzer,address,undefined -o /dev/null - 2>/dev/null || \
	    { echo "make: '$(FUZZ_CC)' cannot build libFuzzer targets (-fsanitize=fuzzer): run 'make deps' (as root)." >&2; exit 1; }

format:
	clang-format -i $(wildcard milter/*.c include/dealtemp/*.h tests/*.c tests/*/*.c)

# install: the shipped files name the default /usr/local paths; INSTALL_SED
# rewrites them for this PREFIX/SYSCONFDIR (a no-op for the default). The
# installed configuration keeps its database in /var/lib/dealtemp (created by
# the tmpfiles.d entry); an existing configuration is never overwritten.
MANPAGES := contrib/man/dealtemp.1 contrib/man/dealtemp.conf.5 contrib/man/dealtemp-milter.8
LEXICONS := $(wildcard conf/lexicons/*.txt)
UNITS    := dealtemp-milter.service dealtemp-digest.service dealtemp-digest.timer
INSTALL_SED := -e 's|/usr/local/sbin/|$(SBINDIR)/|g' -e 's|/usr/local/bin/|$(BINDIR)/|g' \
            -e 's|/usr/local/etc/dealtemp|$(SYSCONFDIR)|g' \
            -e 's|/usr/local/share/dealtemp|$(DATADIR)|g' \
            -e 's|/usr/local/lib/systemd/system|$(SYSTEMDDIR)|g' \
            -e 's|/usr/local/lib/tmpfiles.d|$(TMPFILESDIR)|g'
STAGE    := $(BUILD)/install
INSTALLED_DB := /var/lib/dealtemp/dealtemp.db
INSTALLED_SPOOL := /var/lib/dealtemp/spool.db

install: all
	@rm -rf $(STAGE) && mkdir -p $(STAGE)
	install -d -m 755 $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSCONFDIR) \
	    $(DESTDIR)$(DATADIR)/lexicons $(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(TMPFILESDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(BUILD)/dealtemp $(DESTDIR)$(BINDIR)/dealtemp
	install -m 755 $(BUILD)/dealtemp-milter $(DESTDIR)$(SBINDIR)/dealtemp-milter
	@set -e; for m in $(MANPAGES); do \
	    f=$${m##*/}; sed $(INSTALL_SED) $$m >$(STAGE)/$$f; \
	    echo "install -m 644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}/$$f"; \
	    install -m 644 $(STAGE)/$$f $(DESTDIR)$(MANDIR)/man$${m##*.}/$$f; \
	done
	install -m 644 $(LEXICONS) $(DESTDIR)$(DATADIR)/lexicons/
	@set -e; for u in $(UNITS); do \
	    sed $(INSTALL_SED) contrib/systemd/$$u >$(STAGE)/$$u; \
	    echo "install -m 644 contrib/systemd/$$u $(DESTDIR)$(SYSTEMDDIR)/$$u"; \
	    install -m 644 $(STAGE)/$$u $(DESTDIR)$(SYSTEMDDIR)/$$u; \
	done
	install -m 644 contrib/systemd/dealtemp.tmpfiles $(DESTDIR)$(TMPFILESDIR)/dealtemp.conf
	@sed -e 's|^database = .*|# make install: the installed copy keeps its database under /var/lib/dealtemp\n# (the sample in the source tree says "var/dealtemp.db").\ndatabase = "$(INSTALLED_DB)";|' \
	    -e 's|^    # spool = .*|    spool = "$(INSTALLED_SPOOL)";|' \
	    conf/dealtemp.conf >$(STAGE)/dealtemp.conf
	@grep -q '^database = "$(INSTALLED_DB)";' $(STAGE)/dealtemp.conf || \
	    { echo "install: no 'database = ...' line to rewrite in conf/dealtemp.conf" >&2; exit 1; }
	@grep -q '^    spool = "$(INSTALLED_SPOOL)";' $(STAGE)/dealtemp.conf || \
	    { echo "install: no '# spool = ...' line to rewrite in conf/dealtemp.conf" >&2; exit 1; }
	@conf=$(DESTDIR)$(SYSCONFDIR)/dealtemp.conf; \
	if [ ! -e $$conf ]; then \
	    echo "install -m 644 $(STAGE)/dealtemp.conf $$conf"; \
	    install -m 644 $(STAGE)/dealtemp.conf $$conf; \
	elif cmp -s $(STAGE)/dealtemp.conf $$conf; then \
	    echo "install: $$conf is the current sample, left as it is"; \
	else \
	    install -m 644 $(STAGE)/dealtemp.conf $$conf.new; \
	    echo "install: kept your $$conf; the new sample is $$conf.new (compare and merge)"; \
	fi
	@echo "install: done. Then: useradd --system --home-dir /var/lib/dealtemp --shell /usr/sbin/nologin dealtemp;"
	@echo "         systemd-tmpfiles --create dealtemp.conf; systemctl daemon-reload;"
	@echo "         systemctl enable --now dealtemp-milter.service dealtemp-digest.timer"

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dealtemp $(DESTDIR)$(SBINDIR)/dealtemp-milter
	rm -f $(foreach m,$(MANPAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/lexicons/,$(notdir $(LEXICONS)))
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDDIR)/,$(UNITS)) $(DESTDIR)$(TMPFILESDIR)/dealtemp.conf
	rm -f $(DESTDIR)$(SYSCONFDIR)/dealtemp.conf.new
	rmdir $(DESTDIR)$(DATADIR)/lexicons $(DESTDIR)$(DATADIR) 2>/dev/null || true
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/dealtemp.conf ]; then \
	    echo "uninstall: kept $(DESTDIR)$(SYSCONFDIR)/dealtemp.conf (your configuration): remove it by hand"; \
	fi

clean:
	rm -rf build build-san $(FUZZ_BUILD)

-include $(LIB_OBJS:.o=.d) $(BUILD)/obj/dealtemp-milter.d $(BUILD)/obj/dealtemp.d
-include $(wildcard $(BUILD)/tests/*.d)
ifeq ($(FUZZ),1)
-include $(wildcard $(FUZZ_BUILD)/*.d)
endif
