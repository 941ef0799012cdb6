#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""dm-verify benchmark, run inside the test guest (make bench).

Every target maps the same RAM disks; each workload runs on each target in
turn, three rounds, and the median is kept.  Only ratios to dm-linear from
this one run mean anything: the guest is emulated (TCG) and noisy.
"""
import json
import os
import statistics
import subprocess
import sys
import threading
import time

DMSETUP = ["dmsetup", "--noudevsync"]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
RUNTIME = int(os.environ.get("BENCH_RUNTIME", "3"))
SIZE_MB = 256

WORKLOADS = [
    # name, rw, bs, iodepth, numjobs
    ("randread-4k-qd1", "randread", "4k", 1, 1),
    ("randread-4k-qd32", "randread", "4k", 32, 1),
    ("randwrite-4k-qd1", "randwrite", "4k", 1, 1),
    ("randwrite-4k-qd32", "randwrite", "4k", 32, 1),
    ("randrw70-4k-qd1", "randrw", "4k", 1, 1),
    ("randrw70-4k-qd32", "randrw", "4k", 32, 1),
    # Does the ratio hold with a deeper queue, and with two submitters?
    ("randread-4k-qd128", "randread", "4k", 128, 1),
    ("randwrite-4k-qd128", "randwrite", "4k", 128, 1),
    ("randread-4k-qd32-nj2", "randread", "4k", 32, 2),
    ("randwrite-4k-qd32-nj2", "randwrite", "4k", 32, 2),
    ("seqread-1m-qd4", "read", "1m", 4, 1),
    ("seqwrite-1m-qd4", "write", "1m", 4, 1),
]


def sh(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


def tables(sectors):
    d, r = "/dev/ram0", "/dev/ram1"
    return {
        "linear": f"0 {sectors} linear {d} 0",
        "mirror": f"0 {sectors} mirror core 2 1024 nosync 2 {d} 0 {r} 0",
        "flakey": f"0 {sectors} flakey {d} 0 3600 0",
        "verify": f"0 {sectors} verify {d} 0 {r} 0",
        "verify-deferred": f"0 {sectors} verify {d} 0 {r} 0",
        "verify-noref": f"0 {sectors} verify {d} 0 - 0",
        # An emulated 64 MiB volatile write cache: old content saved per write.
        "verify-wc": f"0 {sectors} verify {d} 0 {r} 0 2 write_cache 64",
        "verify-wc-noref": f"0 {sectors} verify {d} 0 - 0 2 write_cache 64",
    }


INLINE_PARAM = "/sys/module/dm_verify/parameters/inline_compare_max"
with open(INLINE_PARAM) as _f:
    INLINE_DEFAULT = _f.read().strip()


def set_inline(target):
    """verify-deferred compares every read on the workqueue; the others use
    the module's default inline_compare_max."""
    with open(INLINE_PARAM, "w") as f:
        f.write("0" if target == "verify-deferred" else INLINE_DEFAULT)


# Targets that write both RAM disks alike; the others write only ram0, and
# a verify device with a reference would then report the difference, and
# pay for re-reading every mismatching read, in every later round.
BOTH_LEGS = {"mirror", "verify", "verify-deferred", "verify-wc"}


def sync_legs():
    sh("dd", "if=/dev/ram0", "of=/dev/ram1", "bs=1M", "iflag=direct",
       "oflag=direct", "status=none")


def check_clean(target):
    """A verify device must end a run with nothing to report, or its
    numbers measure the mismatch path instead of verification."""
    if not target.startswith("verify"):
        return
    state = sh(*DMSETUP, "status", "bench").split()[3]
    if state != "ok":
        raise RuntimeError(f"{target}: state {state} after the run")


def create(table):
    sh(*DMSETUP, "create", "bench", "--table", table)
    return "/dev/mapper/bench"


def remove():
    subprocess.run([*DMSETUP, "remove", "--retry", "bench"], capture_output=True)


def p99_us(job):
    """99th percentile completion latency of a job's reads and writes."""
    worst = 0.0
    for d in ("read", "write"):
        pct = job[d].get("clat_ns", {}).get("percentile", {})
        if job[d]["iops"] and "99.000000" in pct:
            worst = max(worst, pct["99.000000"] / 1000.0)
    return worst


def fio(dev, rw, bs, qd, numjobs=1, runtime=RUNTIME):
    out = sh("fio", "--name=b", f"--filename={dev}", "--direct=1",
             f"--numjobs={numjobs}", "--group_reporting",
             "--ioengine=libaio", f"--rw={rw}", f"--bs={bs}",
             f"--iodepth={qd}", "--rwmixread=70", f"--size={SIZE_MB}m",
             "--time_based", f"--runtime={runtime}", "--ramp_time=1",
             "--randrepeat=1", "--norandommap", "--output-format=json")
    job = json.loads(out)["jobs"][0]
    if job["error"]:
        raise RuntimeError(f"fio error {job['error']}")
    iops = job["read"]["iops"] + job["write"]["iops"]
    mibs = (job["read"]["bw"] + job["write"]["bw"]) / 1024.0
    return iops, mibs, p99_us(job)


def slab_kb():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("Slab:"):
                return int(line.split()[1])
    return 0


def peak_slab(dev, seconds=4):
    """Peak Slab growth while fio runs at iodepth 256 on dev."""
    samples = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            samples.append(slab_kb())
            time.sleep(0.1)

    base = slab_kb()
    t = threading.Thread(target=sample)
    t.start()
    try:
        fio(dev, "randrw", "4k", 256, runtime=seconds)
    finally:
        stop.set()
        t.join()
    return max(samples) - base if samples else 0


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "/tmp"
    for mod in ("dm-mirror", "dm-flakey"):
        subprocess.run(["modprobe", mod], check=True)
    sectors = int(sh("blockdev", "--getsz", "/dev/ram0"))
    # Fill both disks alike, so reads touch real pages and compare equal.
    sh("dd", "if=/dev/urandom", "of=/dev/ram0", "bs=1M", f"count={SIZE_MB}",
       "oflag=direct", "status=none")
    sh("dd", "if=/dev/ram0", "of=/dev/ram1", "bs=1M", "iflag=direct",
       "oflag=direct", "status=none")
    tabs = tables(sectors)
    # BENCH_TARGETS / BENCH_WORKLOADS (comma-separated names) run a subset;
    # linear always runs, as the ratios are to it.
    only = os.environ.get("BENCH_TARGETS")
    if only:
        keep = {"linear", *only.split(",")}
        tabs = {t: v for t, v in tabs.items() if t in keep}
    only = os.environ.get("BENCH_WORKLOADS")
    if only:
        WORKLOADS[:] = [w for w in WORKLOADS if w[0] in only.split(",")]
    raw = {w[0]: {t: [] for t in tabs} for w in WORKLOADS}
    diverged = False
    for rnd in range(ROUNDS):
        for name, rw, bs, qd, nj in WORKLOADS:
            for target, table in tabs.items():
                if diverged and target.startswith("verify") and \
                        " /dev/ram1 " in table:
                    sync_legs()
                    diverged = False
                set_inline(target)
                dev = create(table)
                try:
                    raw[name][target].append(fio(dev, rw, bs, qd, nj))
                    check_clean(target)
                finally:
                    remove()
                if rw != "read" and rw != "randread" and target not in BOTH_LEGS:
                    diverged = True
            print(f"round {rnd + 1}: {name} done", flush=True)

    result = {"kernel": os.uname().release, "rounds": ROUNDS,
              "inline_compare_max": int(INLINE_DEFAULT),
              "runtime_s": RUNTIME, "workloads": {}}
    for name, *_ in WORKLOADS:
        entry = {}
        base = statistics.median(x[0] for x in raw[name]["linear"])
        for target in tabs:
            iops = statistics.median(x[0] for x in raw[name][target])
            mibs = statistics.median(x[1] for x in raw[name][target])
            p99 = statistics.median(x[2] for x in raw[name][target])
            entry[target] = {"iops": round(iops, 1), "mib_s": round(mibs, 2),
                             "p99_us": round(p99, 1),
                             "ratio": round(iops / base, 3) if base else None,
                             "runs_iops": [round(x[0], 1) for x in raw[name][target]]}
        result["workloads"][name] = entry

    # Slab growth at iodepth 256: dm-verify against dm-linear.
    slab = {}
    set_inline("verify")
    for target in ("linear", "verify") if "verify" in tabs else ("linear",):
        before = slab_kb()
        dev = create(tabs[target])
        try:
            created = slab_kb() - before
            slab[target] = {"after_create_kb": created,
                            "peak_qd256_kb": peak_slab(dev)}
        finally:
            remove()
    result["slab_kb"] = slab
    status = sh("dmsetup", "targets")
    result["targets"] = status.split("\n")

    targets = list(tabs)
    print()
    print(f"{'workload':22}" + "".join(f"{t:>16}" for t in targets))
    for name, _, bs, *_ in WORKLOADS:
        row = result["workloads"][name]
        unit = "MiB/s" if bs == "1m" else "IOPS"
        cells = []
        for t in targets:
            v = row[t]["mib_s"] if bs == "1m" else row[t]["iops"]
            cells.append(f"{v:9.0f} ({row[t]['ratio']:.2f})")
        print(f"{name:22}" + "".join(f"{c:>16}" for c in cells) + f"  {unit}")
    print()
    print("p99 completion latency (us), median of the rounds")
    print(f"{'workload':22}" + "".join(f"{t:>16}" for t in targets))
    for name, *_ in WORKLOADS:
        row = result["workloads"][name]
        print(f"{name:22}" + "".join(f"{row[t]['p99_us']:16.0f}" for t in targets))
    print()
    for t, s in slab.items():
        print(f"slab growth {t:8}: {s['after_create_kb']} KiB at create, "
              f"{s['peak_qd256_kb']} KiB peak at iodepth 256")
    path = os.path.join(outdir, "bench.json")
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
