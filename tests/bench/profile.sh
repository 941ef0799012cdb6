#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the time of I/O goes, run in the test guest by `make profile`: perf
# samples the whole guest (cpu-clock: TCG has no PMU) while fio runs on each
# target, and the top symbols of each go to perf-<target>-<job>.txt in the
# results.  PROFILE_TARGETS: linear, verify, digest (default: linear verify);
# PROFILE_JOBS: rw:bs:iodepth words (default: 1 MiB sequential read and
# write at iodepth 4); PROFILE_PARAMS: name=value words for the module's
# parameters, set before the first target.
set -u
# shellcheck source=tests/common/rc
. "$REPO/tests/common/rc"

RUNTIME=${PROFILE_RUNTIME:-8}
TARGETS=${PROFILE_TARGETS:-linear verify}
JOBS=${PROFILE_JOBS:-read:1m:4 write:1m:4}
_brd_setup 2 256 || exit 1
dd if=/dev/urandom of=/dev/ram0 bs=1M count=256 oflag=direct status=none
dd if=/dev/ram0 of=/dev/ram1 bs=1M iflag=direct oflag=direct status=none
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid
sectors=$(blockdev --getsz /dev/ram0)
rc=0
for p in ${PROFILE_PARAMS:-}; do
	echo "${p#*=}" >"/sys/module/dm_verify/parameters/${p%%=*}" || rc=1
done
for target in $TARGETS; do
	case $target in
	linear) table="0 $sectors linear /dev/ram0 0" ;;
	verify) table="0 $sectors verify /dev/ram0 0 /dev/ram1 0" ;;
	digest) table="0 $sectors verify /dev/ram0 0 - 0 2 digest -" ;;
	*) echo "unknown target $target"; rc=1; break ;;
	esac
	# dm-linear's writes reached ram0 only: equal legs again, or every
	# verified read would mismatch and profile the re-read path.
	dd if=/dev/ram0 of=/dev/ram1 bs=1M iflag=direct oflag=direct status=none
	dmsetup --noudevsync create prof --table "$table" || { rc=1; break; }
	# Digest mode checks reads only against digests a sync has taken.
	if [ "$target" = digest ]; then
		dmsetup --noudevsync message prof 0 sync || rc=1
		# Field 28: sync_running (dm-verify-schema.h).
		while [ "$(dmsetup --noudevsync status prof | awk '{print $28}')" = 1 ]; do
			sleep 1
		done
	fi
	for job in $JOBS; do
		IFS=: read -r rw bs qd <<<"$job"
		out=$RESULTS/perf-$target-$rw-$bs-qd$qd
		perf record -q -e cpu-clock -F 999 -a -g -o /tmp/perf.data -- \
			fio --name=p --filename=/dev/mapper/prof --direct=1 \
			--ioengine=libaio --rw="$rw" --bs="$bs" --iodepth="$qd" --size=256m \
			--time_based --runtime="$RUNTIME" --output-format=terse \
			--terse-version=3 >"$out.fio" 2>&1 || rc=1
		bw=$(awk -F';' -v rw="$rw" '{print (rw ~ /read/ ? $7 : $48)}' "$out.fio")
		echo "$target $rw $bs qd$qd: $((bw / 1024)) MiB/s"
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
