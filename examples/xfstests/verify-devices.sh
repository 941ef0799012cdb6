#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Create (or remove) the verify devices that examples/xfstests/local.config
# names as TEST_DEV and SCRATCH_DEV, each over two loop devices backed by
# sparse files: a data leg (the device under test) and a reference leg of
# the same size.  Fresh sparse files read as zeros, so both legs start out
# identical, which the target needs: it compares every read, also of blocks
# that were never written through it.
#
#   verify-devices.sh setup DIR SIZE   create DIR/{test,scratch}-{data,ref}.img
#                                      of SIZE (truncate(1) sizes: 8G, 512M),
#                                      their loop devices and the verify
#                                      devices /dev/mapper/verify-test and
#                                      /dev/mapper/verify-scratch
#   verify-devices.sh status           the status line of both
#   verify-devices.sh teardown DIR     remove the verify devices and detach
#                                      the loop devices of DIR's images (the
#                                      files stay; remove DIR yourself)
#
# Environment:
#   ON_MISMATCH  the on_mismatch policy of both devices: log (default),
#                error, reference or halt (Documentation/dm-verify.rst and
#                Documentation/xfstests-fio.rst say which to pick)
#   NAMES        the devices to make, default "test scratch"; each NAME
#                gives /dev/mapper/verify-NAME
#
# Needs root, losetup, dmsetup and the dm-verify module (modprobe dm-verify
# after `make dkms-install`, or insmod build/<kver>/dm-verify.ko).  Without
# a running udev (a test guest), dmsetup is told not to wait for it.
set -euo pipefail

NAMES=${NAMES:-test scratch}
ON_MISMATCH=${ON_MISMATCH:-log}
DMSETUP=(dmsetup)
if [ ! -S /run/udev/control ]; then
	# No udevd: libdevmapper makes the /dev/mapper nodes itself and
	# neither waits for udev nor expects its rules to run.
	export DM_DISABLE_UDEV=1
	DMSETUP=(dmsetup --noudevsync)
fi

usage() {
	sed -n '/^#   verify-devices.sh setup/,/^# Needs root/{/^# Needs/!s/^# \{0,1\}//p}' \
		"${BASH_SOURCE[0]}" >&2
	exit 2
}

die() {
	echo "verify-devices.sh: $*" >&2
	exit 1
}

# loop_of FILE: the loop device FILE is attached to, if any.
loop_of() {
	losetup -j "$1" -O NAME -n 2>/dev/null | head -n 1
}

setup() {
	local dir=$1 size=$2 name leg data ref sectors
	case $ON_MISMATCH in
	log | error | reference | halt) ;;
	*) die "ON_MISMATCH must be log, error, reference or halt, not '$ON_MISMATCH'" ;;
	esac
	modprobe loop 2>/dev/null || true
	modprobe dm-verify 2>/dev/null || true
	"${DMSETUP[@]}" targets | grep -q '^verify ' ||
		die "the verify target is not loaded (modprobe dm-verify, or insmod dm-verify.ko)"
	mkdir -p "$dir"
	for name in $NAMES; do
		[ ! -e "/dev/mapper/verify-$name" ] || die "/dev/mapper/verify-$name exists already"
		for leg in data ref; do
			[ ! -e "$dir/$name-$leg.img" ] || die "$dir/$name-$leg.img exists already"
			truncate -s "$size" "$dir/$name-$leg.img"
		done
		data=$(losetup -f --show "$dir/$name-data.img")
		ref=$(losetup -f --show "$dir/$name-ref.img")
		sectors=$(blockdev --getsz "$data")
		"${DMSETUP[@]}" create "verify-$name" --table \
			"0 $sectors verify $data 0 $ref 0 2 on_mismatch $ON_MISMATCH"
		echo "/dev/mapper/verify-$name: data $data, reference $ref, $sectors sectors, on_mismatch $ON_MISMATCH"
	done
}

status() {
	local name
	for name in $NAMES; do
		printf 'verify-%s: ' "$name"
		"${DMSETUP[@]}" status "verify-$name"
	done
}

teardown() {
	local dir=$1 name leg loop rc=0
	for name in $NAMES; do
		if [ -e "/dev/mapper/verify-$name" ]; then
			"${DMSETUP[@]}" remove --retry "verify-$name" || rc=1
		fi
		for leg in data ref; do
			[ -e "$dir/$name-$leg.img" ] || continue
			loop=$(loop_of "$dir/$name-$leg.img")
			[ -z "$loop" ] || losetup -d "$loop" || rc=1
		done
	done
	return $rc
}

[ $# -ge 1 ] || usage
case $1 in
setup) [ $# -eq 3 ] || usage; setup "$2" "$3" ;;
status) [ $# -eq 1 ] || usage; status ;;
teardown) [ $# -eq 2 ] || usage; teardown "$2" ;;
*) usage ;;
esac
