#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the time of a 1 MiB sequential read and write goes, run in the test
# guest by `make profile`: perf samples the whole guest (cpu-clock: TCG has
# no PMU) while fio runs on dm-linear and on dm-verify with a reference, and
# the top symbols of each go to perf-<target>-<rw>.txt in the results.
set -u
# shellcheck source=tests/common/rc
. "$REPO/tests/common/rc"

RUNTIME=${PROFILE_RUNTIME:-8}
_brd_setup 2 256 || exit 1
dd if=/dev/urandom of=/dev/ram0 bs=1M count=256 oflag=direct status=none
dd if=/dev/ram0 of=/dev/ram1 bs=1M iflag=direct oflag=direct status=none
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid
sectors=$(blockdev --getsz /dev/ram0)
rc=0
for target in linear verify; do
	case $target in
	linear) table="0 $sectors linear /dev/ram0 0" ;;
	verify) table="0 $sectors verify /dev/ram0 0 /dev/ram1 0" ;;
	esac
	# dm-linear's writes reached ram0 only: equal legs again, or every
	# verified read would mismatch and profile the re-read path.
	dd if=/dev/ram0 of=/dev/ram1 bs=1M iflag=direct oflag=direct status=none
	dmsetup --noudevsync create prof --table "$table" || { rc=1; break; }
	for rw in read write; do
		out=$RESULTS/perf-$target-$rw
		perf record -q -e cpu-clock -F 999 -a -g -o /tmp/perf.data -- \
			fio --name=p --filename=/dev/mapper/prof --direct=1 \
			--ioengine=libaio --rw=$rw --bs=1m --iodepth=4 --size=256m \
			--time_based --runtime="$RUNTIME" --output-format=terse \
			--terse-version=3 >"$out.fio" 2>&1 || rc=1
		bw=$(awk -F';' -v rw=$rw '{print (rw == "read" ? $7 : $48)}' "$out.fio")
		echo "$target $rw: $((bw / 1024)) MiB/s"
		perf report -i /tmp/perf.data --stdio --no-children --sort sym \
			-g none --percent-limit 0.2 2>/dev/null >"$out.txt"
		perf report -i /tmp/perf.data --stdio --no-children --sort sym \
			-g caller,0.5,callee --percent-limit 3 2>/dev/null >"$out.callers.txt"
		grep -E '^ +[0-9.]+%' "$out.txt" | head -n 15
	done
	dmsetup --noudevsync remove --retry prof
done
_brd_cleanup
exit $rc
