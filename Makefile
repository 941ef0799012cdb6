# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build, lint and test driver for the dm-verify target.
#
#   make [module] [KVER=<ver>]  build build/<ver>/dm-verify.ko (default: newest
#                               installed header set); W=1 C=1 pass through
#   make modules-all            build for every header set, W=1 C=1 -Werror
#   make lint                   compiler/sparse warnings, checkpatch,
#                               shellcheck, docutils
#   make check [T=..] [K=..]    everything above + unit tests + guest tests
#   make test  [T=..] [K=..]    only the guest tests (tests/check)
#   make check-debug [T=..]     build the debug kernel (KASAN, lockdep,
#                               kmemleak, fault injection; tools/build-debug-kernel)
#                               and run the guest tests on it; `make check`
#                               runs them too when that kernel is cached;
#                               without T=, ends with check-debug-selftest
#   make check-debug-selftest   plant five kinds of bugs in a copy of the
#                               tree and check that the debug run reports each
#   make check-mutants [K=..]   plant functional bugs (tests/mutants) in copies
#                               of the tree; each must fail one of its cases
#   make demo                   boot a guest running tests/demo.sh
#   make bench [K=..]           boot a guest running tests/bench.sh: dm-verify
#                               against dm-linear, dm-mirror and dm-flakey
#   make bench-ab REV=<rev> [K=..]  REV's module against this tree's, round by
#                               round in one guest (tests/bench/ab.py)
#   make bench-crashloop [K=..] ext4 crash-loop rate: dm-verify's crash against
#                               dm-flakey's drop_writes reloads
#   make tools                  build build/tools/dmverify
#   make install [PREFIX=..]    install dmverify, its man page and bash completion
#   make dkms-install           install the module for every kernel with DKMS
#   make clean

SHELL := /bin/bash
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build

# Module sources; overridable to test the infrastructure with another tree.
DMV_SRC ?= $(TOP)/dm-verify
KUNIT_SRC ?= $(TOP)/tests/unit

KVERS := $(shell $(TOP)/tests/lib/kernels --headers-only)
KVER ?= $(lastword $(KVERS))
KDIR ?= /usr/src/linux-headers-$(KVER)
MDIR ?= $(BUILD)/$(KVER)

KBUILD_ARGS := $(if $(W),W=$(W)) $(if $(C),C=$(C)) $(if $(V),V=$(V)) \
	$(if $(KCFLAGS),KCFLAGS="$(KCFLAGS)")

# checkpatch.pl: an extracted kernel tree, else our own cache of scripts/.
LINUX_SRC_TAR := $(lastword $(sort $(wildcard /usr/src/linux-source-*.tar.xz)))
CHECKPATCH_CACHE := $(BUILD)/checkpatch/scripts/checkpatch.pl
CHECKPATCH ?= $(firstword $(wildcard /tmp/linux-src/*/scripts/checkpatch.pl) \
		$(CHECKPATCH_CACHE))

DMV_FILES = $(wildcard $(DMV_SRC)/*.c $(DMV_SRC)/*.h)
SCHEMA_H = dm-verify-schema.h
# Unit test sources that also build as the KUnit module (not the shims).
KUNIT_FILES = $(addprefix $(TOP)/tests/unit/,unit-tests.c fault-tests.c unit.h kunit-logic.c)
SHELL_SCRIPTS = $(shell cd $(TOP) && tests/lib/shell-scripts)
DOCS = $(wildcard $(TOP)/Documentation/*.rst)
# The CLI's sources (tools/dmverify/, see its dmverify.h for the map).
TOOLS_FILES = $(wildcard $(TOP)/tools/dmverify/*.c $(TOP)/tools/dmverify/*.h \
	$(TOP)/tools/dmverify/include/linux/*.h)

.PHONY: all module modules-all lint lint-build checkpatch checkpatch-tools shellcheck docs \
	unit check test demo demo-run clean tools install bench bench-ab bench-crashloop profile dkms-install dkms-prebuild \
	check-debug test-debug check-debug-selftest test-debug-selftest \
	check-mutants

all: module

module:
	@if [ -z "$(KVER)" ] || [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "No kernel headers for KVER='$(KVER)' (KDIR=$(KDIR))." \
		     "Run tools/install-deps." >&2; exit 1; fi
	@mkdir -p $(MDIR)
	@rm -f $(MDIR)/*.c $(MDIR)/*.h $(MDIR)/Kbuild $(MDIR)/.srcsum
	@cp -p $(DMV_SRC)/*.c $(wildcard $(DMV_SRC)/*.h) $(DMV_SRC)/Kbuild $(MDIR)/
	@rm -rf $(MDIR)/kunit && mkdir -p $(MDIR)/kunit
	@cp -p $(addprefix $(KUNIT_SRC)/,unit-tests.c fault-tests.c unit.h kunit-logic.c) $(MDIR)/kunit/
	$(MAKE) -C $(KDIR) M=$(MDIR) $(KBUILD_ARGS) modules
	@$(TOP)/tests/lib/srcsum $(MDIR) > $(MDIR)/.srcsum

modules-all:
	@set -e; [ -n "$(KVERS)" ] || { echo "No kernel headers installed" >&2; exit 1; }; \
	for k in $(KVERS); do \
		echo "=== build $$k (W=1 C=1 -Werror)"; \
		$(MAKE) --no-print-directory module KVER=$$k \
			KDIR=/usr/src/linux-headers-$$k MDIR=$(BUILD)/$$k \
			W=1 C=1 KCFLAGS=-Werror; \
	done

# Run every step even if an earlier one fails, then report.
lint:
	@fail=""; for t in lint-build checkpatch shellcheck docs; do \
		$(MAKE) --no-print-directory $$t || fail="$$fail $$t"; done; \
	if [ -n "$$fail" ]; then echo "lint: FAILED:$$fail" >&2; exit 1; fi; \
	echo "lint: OK"

# Full rebuild in a scratch directory so that every warning is seen again.
lint-build:
	@set -e; [ -n "$(KVERS)" ] || { echo "No kernel headers installed" >&2; exit 1; }; \
	fail=0; \
	for k in $(KVERS); do \
		d=$(BUILD)/lint/$$k; rm -rf $$d; mkdir -p $(BUILD)/lint; \
		echo "=== lint build $$k (W=1 C=2)"; \
		if ! $(MAKE) --no-print-directory module KVER=$$k \
			KDIR=/usr/src/linux-headers-$$k MDIR=$$d W=1 C=2 \
			> $$d.log 2>&1; then \
			cat $$d.log; echo "lint: build failed for $$k" >&2; fail=1; \
		elif grep -E 'warning:|error:' $$d.log; then \
			echo "lint: compiler/sparse warnings for $$k (log: $$d.log)" >&2; fail=1; \
		fi; \
	done; exit $$fail

$(CHECKPATCH_CACHE):
	@[ -n "$(LINUX_SRC_TAR)" ] || { echo "No /usr/src/linux-source-*.tar.xz; run tools/install-deps" >&2; exit 1; }
	@echo "Extracting checkpatch from $(LINUX_SRC_TAR)"
	@mkdir -p $(BUILD)/checkpatch
	@tar -xJf $(LINUX_SRC_TAR) -C $(BUILD)/checkpatch --strip-components=1 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'

checkpatch: $(CHECKPATCH) checkpatch-tools
	@echo "=== checkpatch --strict"
	@out=$$(perl $(CHECKPATCH) --no-tree --strict --quiet --show-types \
		--color=never -f $(filter-out %/$(SCHEMA_H),$(DMV_FILES)) $(KUNIT_FILES) 2>&1); rc=$$?; \
	if [ $$rc -ne 0 ] || grep -qE '^(ERROR|WARNING|CHECK)' <<<"$$out"; then \
		echo "$$out"; echo "lint: checkpatch failed" >&2; exit 1; fi
	@# The schema header is X-macro lists and their builders, which checkpatch
	@# reads as complex, reused or unused macro arguments; every other check
	@# applies to it, and no other file may hold such macros.
	@out=$$(perl $(CHECKPATCH) --no-tree --strict --quiet --show-types \
		--color=never --ignore COMPLEX_MACRO,MACRO_ARG_REUSE,MACRO_ARG_UNUSED \
		-f $(DMV_SRC)/$(SCHEMA_H) 2>&1); rc=$$?; \
	if [ $$rc -ne 0 ] || grep -qE '^(ERROR|WARNING|CHECK)' <<<"$$out"; then \
		echo "$$out"; echo "lint: checkpatch ($(SCHEMA_H)) failed" >&2; exit 1; fi

# The CLI's sources, on their own so that either part's failure shows.
checkpatch-tools: $(CHECKPATCH)
	@echo "=== checkpatch --strict (tools)"
	@# The CLI is userspace C: PRIu64 reads as CamelCase and splits its
	@# greppable messages (LONG_LINE), volatile sig_atomic_t is what a
	@# signal handler needs, __printf is defined there from the attribute,
	@# its linux/types.h shim declares the kernel's u64 and friends
	@# (NEW_TYPEDEFS), and the expanders of dm-verify-schema.h's X-macros
	@# use one of a line's two names and end in a comma (MACRO_ARG_UNUSED,
	@# COMPLEX_MACRO).
	@out=$$(perl $(CHECKPATCH) --no-tree --strict --quiet --show-types \
		--color=never --ignore CAMELCASE,LONG_LINE,LONG_LINE_STRING,VOLATILE,PREFER_DEFINED_ATTRIBUTE_MACRO,NEW_TYPEDEFS,MACRO_ARG_UNUSED,COMPLEX_MACRO \
		-f $(TOOLS_FILES) 2>&1); rc=$$?; \
	if [ $$rc -ne 0 ] || grep -qE '^(ERROR|WARNING|CHECK)' <<<"$$out"; then \
		echo "$$out"; echo "lint: checkpatch (tools) failed" >&2; exit 1; fi

shellcheck:
	@echo "=== shellcheck"
	@cd $(TOP) && shellcheck -x $(SHELL_SCRIPTS)
	@# Cases: DESCRIPTION/TIMEOUT are read by the runner (SC2034), REPO,
	@# DMV_KO and friends come from it (SC2154).
	@cd $(TOP) && shellcheck -x -s bash -e SC2034,SC2154 tests/*/[0-9][0-9][0-9] tests/*/rc
	@# Sourced by bash-completion, so no shebang.
	@cd $(TOP) && shellcheck -s bash tools/dmverify.bash-completion

docs:
	@set -e; for f in $(DOCS); do \
		echo "=== docutils $${f#$(TOP)/}"; \
		python3 -m docutils --halt=warning --report=warning $$f /dev/null; \
	done

unit:
	@if [ -f $(TOP)/tests/unit/Makefile ]; then \
		$(MAKE) -C $(TOP)/tests/unit; \
	else echo "unit: no tests/unit/Makefile, skipped"; fi

check:
	$(TOP)/tools/install-deps
	$(MAKE) --no-print-directory modules-all
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory tools
	$(MAKE) --no-print-directory dkms-prebuild
	$(MAKE) --no-print-directory test
	@if [ -n "$(CI)" ]; then echo "check: CI, debug suite skipped"; \
	elif $(TOP)/tools/build-debug-kernel --path >/dev/null; then \
		$(MAKE) --no-print-directory test-debug; \
	else echo "check: no cached debug kernel, debug suite skipped (make check-debug)"; fi

TEST_ARGS = $(foreach k,$(K),-k $(k)) $(if $(TIMEOUT),-t $(TIMEOUT)) $(T)

test:
	$(TOP)/tests/check $(TEST_ARGS)

# The debug kernel build takes long (see README); CI (CI set, .ci/run) never
# builds or runs it.
check-debug:
	$(TOP)/tools/install-deps
	$(TOP)/tools/build-debug-kernel
	$(MAKE) --no-print-directory tools
	$(MAKE) --no-print-directory test-debug
	$(if $(T),,$(MAKE) --no-print-directory test-debug-selftest)

test-debug:
	$(TOP)/tests/check --debug-kernel $(if $(TIMEOUT),-t $(TIMEOUT)) $(T)

# Plants a use-after-free, a sleep in atomic context, a lock inversion, a
# leak and a comparator bug, and checks that the debug run reports each.
check-debug-selftest:
	$(TOP)/tools/install-deps
	$(TOP)/tools/build-debug-kernel
	$(MAKE) --no-print-directory test-debug-selftest

# Not in CI: one guest boot per mutant (see tests/README for the time).
check-mutants:
	$(TOP)/tests/lib/check-mutants $(if $(K),-k $(K))

test-debug-selftest:
	$(TOP)/tests/lib/debug-selftest

demo:
	$(TOP)/tools/install-deps
	$(MAKE) --no-print-directory demo-run

demo-run: module tools
	$(TOP)/tests/check -k $(KVER) --script $(TOP)/tests/demo.sh

# The guest kernel of the bench, crashloop and profile scripts.
BENCH_K = $(if $(K),$(K),$(KVER))

bench: module
	$(TOP)/tools/install-deps
	$(TOP)/tests/check -k $(BENCH_K) -t 3000 --script $(TOP)/tests/bench.sh

# REV's module is built from `git archive REV` under build/ab/<rev>/.
bench-ab:
	@[ -n "$(REV)" ] || { echo "usage: make bench-ab REV=<git revision> [K=<kver>]" >&2; exit 2; }
	@set -e; rev=$$(git -C $(TOP) rev-parse --short "$(REV)^{commit}"); \
	d=$(BUILD)/ab/$$rev; rm -rf $$d; mkdir -p $$d/src; \
	git -C $(TOP) archive "$$rev" dm-verify tests/unit | tar -x -C $$d/src; \
	$(MAKE) --no-print-directory module DMV_SRC=$$d/src/dm-verify KUNIT_SRC=$$d/src/tests/unit \
		KVER=$(BENCH_K) KDIR=/usr/src/linux-headers-$(BENCH_K) MDIR=$$d/$(BENCH_K) >$$d/build.log || \
		{ cat $$d/build.log; exit 1; }; \
	$(MAKE) --no-print-directory module KVER=$(BENCH_K) \
		KDIR=/usr/src/linux-headers-$(BENCH_K) MDIR=$(BUILD)/$(BENCH_K) >/dev/null; \
	BENCH_AB_A=$$d/$(BENCH_K)/dm-verify.ko $(TOP)/tests/check -k $(BENCH_K) -t 3000 \
		--script $(TOP)/tests/bench/ab.sh

bench-crashloop: module
	$(TOP)/tests/check -k $(BENCH_K) -t 1200 --script $(TOP)/tests/bench/crashloop.sh

# perf profile of 1 MiB sequential I/O, dm-linear against dm-verify.
profile: module
	$(TOP)/tests/check -k $(BENCH_K) --script $(TOP)/tests/bench/profile.sh

DKMS_VER = $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(TOP)/dkms.conf)

dkms-install:
	rm -rf /usr/src/dm-verify-$(DKMS_VER)
	mkdir -p /usr/src/dm-verify-$(DKMS_VER)/dm-verify
	cp $(DMV_SRC)/*.c $(DMV_SRC)/*.h $(DMV_SRC)/Kbuild /usr/src/dm-verify-$(DKMS_VER)/dm-verify/
	cp $(TOP)/dkms.conf /usr/src/dm-verify-$(DKMS_VER)/
	dkms add dm-verify/$(DKMS_VER) || true
	dkms install dm-verify/$(DKMS_VER)

# The DKMS build of tests/install/001, for every kernel, on the host: the
# guest (TCG) takes four to six minutes to compile the module, the host
# seconds.  The case installs, loads, uses and removes what DKMS built here,
# in the guest; it builds there when these are not the sources built here
# (make test after an edit).  A DKMS tree of its own under build/, so the
# host's DKMS state is left alone.
DKMS_PRE = $(BUILD)/dkms

dkms-prebuild:
	@set -e; echo "=== dkms build into $(DKMS_PRE) (tests/install/001)"; \
	rm -rf $(DKMS_PRE); src=$(DKMS_PRE)/src/dm-verify-$(DKMS_VER); \
	mkdir -p $$src/dm-verify $(DKMS_PRE)/tree; \
	cp $(DMV_SRC)/*.c $(DMV_SRC)/*.h $(DMV_SRC)/Kbuild $$src/dm-verify/; \
	cp $(TOP)/dkms.conf $$src/; \
	opts="--sourcetree $(DKMS_PRE)/src --dkmstree $(DKMS_PRE)/tree"; \
	dkms add dm-verify/$(DKMS_VER) $$opts >$(DKMS_PRE)/log 2>&1 || { cat $(DKMS_PRE)/log; exit 1; }; \
	for k in $(KVERS); do \
		dkms build dm-verify/$(DKMS_VER) -k $$k $$opts >>$(DKMS_PRE)/log 2>&1 || \
			{ cat $(DKMS_PRE)/log; exit 1; }; \
	done; \
	$(TOP)/tests/lib/srcsum $(DMV_SRC) >$(DKMS_PRE)/.srcsum

tools:
	$(MAKE) -C $(TOP)/tools

install:
	$(MAKE) -C $(TOP)/tools install

clean:
	rm -rf $(BUILD) $(TOP)/results
