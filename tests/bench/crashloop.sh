#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Crash-loop rate on ext4, run inside the test guest by `make bench-crashloop`:
# cycles of mount, write and fsync 4 files, power cut, umount, mount, check,
# umount; with dm-verify's write_cache and crash message, and the xfstests
# way with dm-flakey (drop_writes by table reload, then a reload without).
# Prints cycles per minute for each; both on the same RAM disk, one run.
set -u
# shellcheck source=tests/common/rc
. "$REPO/tests/common/rc"

N=${CRASHLOOP_CYCLES:-20}
W=$REPO/tests/common/fsworkload.py
DEV=/dev/mapper/cl
MNT=/tmp/cl-mnt
mkdir -p $MNT
modprobe dm-flakey || exit 1
_have_module ext4 || exit 1
_brd_setup 1 128 || exit 1
SZ=$(blockdev --getsz /dev/ram0)

_flakey() { # [drop]
	local t="0 $SZ flakey /dev/ram0 0 3600 0"
	[ $# -gt 0 ] && t="0 $SZ flakey /dev/ram0 0 0 3600 1 drop_writes"
	$DMSETUP suspend cl && $DMSETUP load cl --table "$t" && $DMSETUP resume cl
}

_cycle() { # KIND I
	mount -t ext4 $DEV $MNT || return 1
	python3 "$W" write $MNT "c$2" 4 0 /tmp/cl-man || return 1
	case $1 in
	verify) dmsetup message cl 0 crash >/dev/null || return 1 ;;
	flakey) _flakey drop || return 1 ;;
	esac
	umount $MNT 2>/dev/null || umount -l $MNT
	case $1 in
	verify) dmsetup message cl 0 power_on || return 1 ;;
	flakey) _flakey || return 1 ;;
	esac
	mount -t ext4 $DEV $MNT || return 1
	python3 "$W" check $MNT /tmp/cl-man >/dev/null || return 1
	umount $MNT
}

rc=0
for kind in verify flakey; do
	case $kind in
	verify) $DMSETUP create cl --table "0 $SZ verify /dev/ram0 0 - 0 2 write_cache 64" ;;
	flakey) $DMSETUP create cl --table "0 $SZ flakey /dev/ram0 0 3600 0" ;;
	esac || exit 1
	mkfs.ext4 -q -F -E nodiscard $DEV || exit 1
	: >/tmp/cl-man
	start=$(date +%s.%N)
	for ((i = 1; i <= N; i++)); do
		_cycle $kind $i || { echo "$kind: cycle $i failed"; rc=1; break; }
	done
	end=$(date +%s.%N)
	awk -v k=$kind -v n=$((i - 1)) -v s="$start" -v e="$end" \
		'BEGIN { printf "%-7s %d cycles in %.1f s: %.1f cycles/min\n", k, n, e - s, n * 60 / (e - s) }' |
		tee -a "$RESULTS/crashloop.txt"
	$DMSETUP remove cl
done
_brd_cleanup
exit $rc
