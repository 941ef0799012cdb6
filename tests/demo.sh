#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Demo of the verify target, run inside the test guest by `make demo`:
# two RAM disks, a verify device over them, a short fio workload with
# verification, then the device status and the target's kernel messages.
set -u
# shellcheck source=tests/common/rc
. "$REPO/tests/common/rc"

step() { printf '\n### %s\n' "$*"; }

_dmesg_mark
step "modules"
lsmod | grep -E '^(dm_verify|dm_mod|brd) ' || true

step "two 256 MiB RAM disks: /dev/ram0 (data) and /dev/ram1 (reference)"
_brd_setup 2 256 || exit 1
size=$(_sectors /dev/ram0)

table="0 $size verify /dev/ram0 0 /dev/ram1 0"
step "dmsetup create demo --table '$table'"
$DMSETUP create demo --table "$table" || exit 1
$DMSETUP table demo
$DMSETUP status demo

step "fio: random 4k writes of 64 MiB, then read back and verify (crc32c)"
fio --name=write-verify --filename=/dev/mapper/demo --direct=1 \
	--ioengine=psync --rw=randwrite --bs=4k --size=64M \
	--verify=crc32c --do_verify=1 --verify_fatal=1 2>&1 |
	grep -E 'err=|IOPS|verify' || true
fio_rc=${PIPESTATUS[0]}

step "fio: 10 s of mixed random 4k reads and writes, 2 jobs"
fio --name=mixed --filename=/dev/mapper/demo --direct=1 --ioengine=psync \
	--rw=randrw --rwmixread=70 --bs=4k --size=128M --numjobs=2 \
	--time_based --runtime=10 --group_reporting 2>&1 |
	grep -E 'err=|IOPS' || true
[ "${PIPESTATUS[0]}" -eq 0 ] || fio_rc=1

step "dmsetup status demo"
$DMSETUP status demo

step "kernel messages"
_dmesg_since | grep -E 'verify|device-mapper' || echo "(none)"

step "cleanup"
$DMSETUP remove demo
_brd_cleanup
echo "fio exit status: $fio_rc"
exit "$fio_rc"
