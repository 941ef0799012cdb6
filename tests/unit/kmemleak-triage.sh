#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of tests/lib/kmemleak-triage on a report the debug kernel
# produced (data/kmemleak-slub-sysfs-name.log) and on variants of it: only
# the known signature is tolerated, everything else still fails the run.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
triage=$here/../lib/kmemleak-triage
known=$here/data/kmemleak-slub-sysfs-name.log
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

expect() {	# NAME LOG UNKNOWN KNOWN
	local got
	got=$("$triage" "$2" | head -n 2 | tr '\n' ' ')
	if [ "$got" = "unknown $3 known $4 " ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $1: got '$got', want 'unknown $3 known $4'"
	fi
}

expect "known signature" "$known" 0 1
# Same leak from a different caller of kobject_init_and_add(): ours to fix.
sed 's/sysfs_slab_add/dm_verify_sysfs_add/' "$known" >"$tmp/other"
expect "other caller" "$tmp/other" 1 0
# Frames must be consecutive.
sed '/kobject_set_name_vargs/a\    dm_verify_ctr+0x10/0x20 [dm_verify]' "$known" >"$tmp/gap"
expect "interrupted signature" "$tmp/gap" 1 0
cat "$known" "$tmp/other" "$known" >"$tmp/mixed"
expect "mixed report" "$tmp/mixed" 1 2
# An object without a backtrace is never tolerated.
sed '/backtrace/,$d' "$known" >"$tmp/noframes"
expect "no backtrace" "$tmp/noframes" 1 0
# Older kmemleak prints an address before each frame.
sed '/backtrace/,$s/^    \(.*\)/    [<ffffffff81000000>] \1/' "$known" >"$tmp/addr"
expect "frames with addresses" "$tmp/addr" 0 1
: >"$tmp/empty"
expect "empty report" "$tmp/empty" 0 0

echo "kmemleak-triage: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
