#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-ab: two builds of the module on the same RAM disks, round by
# round (tests/bench/ab.py).
set -u
# shellcheck source=tests/common/rc
. "$REPO/tests/common/rc"

_brd_setup 3 256 || exit 1
python3 "$REPO/tests/bench/ab.py" "$RESULTS"
rc=$?
_brd_cleanup
exit $rc
