#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark run inside the test guest by `make bench`: dm-linear, dm-mirror,
# dm-flakey and dm-verify (with and without a reference) on the same RAM
# disks; prints a table of medians and ratios to dm-linear, writes
# bench.json into the results directory.
set -u
# shellcheck source=tests/common/rc
. "$REPO/tests/common/rc"

_brd_setup 3 256 || exit 1
# BENCH_PARAMS: name=value words for the module's parameters, to compare
# settings in the same guest run as their dm-linear baseline.
for p in ${BENCH_PARAMS:-}; do
	echo "${p#*=}" >"/sys/module/dm_verify/parameters/${p%%=*}" || exit 1
done
python3 "$REPO/tests/bench/bench.py" "$RESULTS"
rc=$?
_brd_cleanup
exit $rc
