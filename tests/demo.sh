#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`, run inside the test guest: dm-verify stacked over LVM.
# A volume group on two disks holds a data LV (the device under test) and a
# reference LV; dmverify puts a verify device over them; a filesystem and a
# fio verify workload run on it; then a block of the data LV is corrupted
# behind the target's back and the next read catches it.
set -u
# shellcheck source=tests/common/rc
. "$REPO/tests/common/rc"

DMV=$REPO/build/tools/dmverify
# No udev in the guest: LVM must not wait for it.
LVMCONF='activation { udev_sync = 0 udev_rules = 0 } devices { obtain_device_list_from_udev = 0 }'
step() { printf '\n### %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

_dmesg_mark
step "two 320 MiB disks (RAM disks here), a volume group, a data LV and a reference LV"
_brd_setup 2 320 || exit 1
run pvcreate -q --config "$LVMCONF" /dev/ram0 /dev/ram1 || exit 1
run vgcreate -q --config "$LVMCONF" demo /dev/ram0 /dev/ram1 || exit 1
run lvcreate -q --config "$LVMCONF" -y -L 300M -n data demo /dev/ram0 || exit 1
run lvcreate -q --config "$LVMCONF" -y -L 300M -n ref demo /dev/ram1 || exit 1

step "a verify device over them"
run "$DMV" create vfy /dev/demo/data /dev/demo/ref || exit 1
run dmsetup table vfy

step "ext4 on it, and 10 s of fio with verification"
mkdir -p /tmp/demo-mnt
mkfs.ext4 -q -F /dev/mapper/vfy && mount /dev/mapper/vfy /tmp/demo-mnt || exit 1
fio --name=demo --directory=/tmp/demo-mnt --size=32m --bs=4k --rw=randrw \
	--rwmixread=60 --ioengine=libaio --iodepth=8 --direct=1 --numjobs=2 \
	--time_based --runtime=10 --verify=crc32c --group_reporting 2>&1 |
	grep -E 'err=|IOPS'
fio_rc=${PIPESTATUS[0]}
dd if=/dev/urandom of=/tmp/demo-mnt/precious bs=64k count=4 conv=fsync status=none
run "$DMV" status vfy
# Nothing was corrupted yet: any mismatch so far would be a false one.
before=$(_dmv_field vfy mismatched_reads)

step "corrupt one byte of 'precious' on the data LV, behind dm-verify's back"
bs=$(tune2fs -l /dev/mapper/vfy | awk '/^Block size:/ {print $3}')
blk=$(debugfs -R "bmap /precious 2" /dev/mapper/vfy 2>/dev/null)
sector=$((blk * bs / 512))
printf 'file block 2 of precious is fs block %s: sector %s of the LV; flipping byte 100 there\n' "$blk" "$sector"
umount /tmp/demo-mnt
_flip /dev/demo/data "$sector" 100 0x5a || exit 1
echo 3 >/proc/sys/vm/drop_caches

step "read the file back through the verify device"
mount /dev/mapper/vfy /tmp/demo-mnt || exit 1
run md5sum /tmp/demo-mnt/precious
run "$DMV" status vfy
run "$DMV" mismatches vfy
run "$DMV" diff vfy "$sector"
step "kernel messages"
_dmesg_since | grep -E 'device-mapper: verify' || echo "(none)"

step "cleanup"
umount /tmp/demo-mnt
run "$DMV" remove vfy
vgremove -q -f --config "$LVMCONF" demo >/dev/null
_brd_cleanup
mismatches=$(_dmesg_since | grep -c 'read mismatch at sector')
caught=$(_dmesg_since | grep -c "read mismatch at sector $sector offset 100:")
echo "fio exit status: $fio_rc, mismatches before the flip: $before, mismatches caught: $mismatches, at sector $sector: $caught"
[ "$fio_rc" -eq 0 ] && [ "$before" = 0 ] && [ "$caught" -ge 1 ] &&
	[ "$mismatches" -eq "$caught" ]
