#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""dm-verify benchmark, run inside the test guest (make bench).

Every target maps the same RAM disks; each workload runs on each target in
turn, three rounds, and the median is kept.  Only ratios to dm-linear from
this one run mean anything: the guest is emulated (TCG) and noisy.  Each
round also gives a ratio of its own (a target against dm-linear in that
round); their spread is printed, so that a difference between targets can
be told from the noise.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
import dmioctl  # noqa: E402

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

# Run only when BENCH_WORKLOADS names them: is a ratio bound by CPU or by
# the queue depth?
EXTRA_WORKLOADS = [
    ("seqread-1m-qd16", "read", "1m", 16, 1),
    ("seqwrite-1m-qd16", "write", "1m", 16, 1),
]


def write_result(outdir, name, result):
    """Write @result as JSON to @outdir/@name and say where."""
    path = os.path.join(outdir, name)
    with open(path, "w") as f:
        json.dump(result, f, indent=2)
    print(f"\nwrote {path}")


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
        # Digest mode, digests in memory and on a metadata RAM disk.  Each
        # run first syncs (digests ram0), so that every read is checked.
        "digest": f"0 {sectors} verify {d} 0 - 0 2 digest -",
        "digest-meta": f"0 {sectors} verify {d} 0 - 0 2 digest /dev/ram2",
    }


def status_names(hdr=None):
    """The status fields' names, in order, from the schema header (this
    tree's unless @hdr names another build's)."""
    hdr = hdr or os.path.join(os.environ.get("REPO", "."), "dm-verify",
                              "dm-verify-schema.h")
    with open(hdr) as f:
        text = f.read()
    fields = text.split("#define VERIFY_STATUS_FIELDS(X)")[1].split("\n\n")[0]
    return re.findall(r"X\(\w+, (\w+)\)", fields)


FIELDS = status_names()


def ioctl(nr, name, payload=b""):
    """A device-mapper ioctl on @name, by tests/common/dmioctl.py: no fork,
    as dmsetup costs some 50 ms in the guest, which would be counted in a
    pass's time.  Returns the reply buffer; raises OSError on failure."""
    ctl = dmioctl.control()
    try:
        err, buf = dmioctl.dm(ctl, nr, name, payload)
    finally:
        os.close(ctl)
    if err:
        raise OSError(err, os.strerror(err), name)
    return buf


def status_line(name):
    """The first target's status line (DM_TABLE_STATUS)."""
    return dmioctl.text(ioctl(dmioctl.TABLE_STATUS, name), dmioctl.SPEC_SIZE)


def message(name, text):
    """Send a target message at sector 0 (DM_TARGET_MSG)."""
    ioctl(dmioctl.TARGET_MSG, name, dmioctl.message(text))


def status(name="bench"):
    """The status line's fields by name (state included)."""
    words = status_line(name).split()
    st = {"state": words[0]}
    # last_mismatch_sector is "-" while there is none.
    st.update({n: int(v) if v != "-" else None
               for n, v in zip(FIELDS, words[1:])})
    return st


def wait_pass(name="bench", key="scrub_running"):
    """Wait until a scrub or sync pass ends; return its wall time (s)."""
    t0 = time.monotonic()
    while status(name)[key]:
        time.sleep(0.01)
    return time.monotonic() - t0


def sync_digests(target):
    if target.startswith("digest"):
        message("bench", "sync")
        wait_pass(key="sync_running")


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
    if not target.startswith(("verify", "digest")):
        return
    state = status()["state"]
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


def run_target(target, table, rw, bs, qd, nj):
    """One fio run on a device created from @table; its fio() result."""
    set_inline(target)
    dev = create(table)
    try:
        sync_digests(target)
        result = fio(dev, rw, bs, qd, nj)
        check_clean(target)
    finally:
        remove()
    return result


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


def scrub_loop(stop):
    """Keep a scrub running on bench until stop is set."""
    while not stop.is_set():
        if not status()["scrub_running"]:
            message("bench", "scrub")
        time.sleep(0.1)
    message("bench", "scrub stop")
    wait_pass()


def pass_tables(data, sectors):
    return {"verify": f"0 {sectors} verify {data} 0 /dev/ram1 0",
            "digest": f"0 {sectors} verify {data} 0 - 0 2 digest -"}


def passes(data, sectors, fg=True):
    """Sync and scrub throughput against the data disk's raw sequential
    read, and foreground 4k randread IOPS during a scrub against idle.
    The reference is /dev/ram1; the sync pass runs first and makes the
    legs equal for the scrub."""
    mib = sectors / 2048.0
    tabs_all = pass_tables(data, sectors)
    out = {"data": data, "raw_seqread_mib_s": [], "kinds": {},
           "foreground": {}}
    kinds = [("sync", "verify", "sync"), ("scrub", "verify", "scrub"),
             ("sync-digest", "digest", "sync"),
             ("scrub-digest", "digest", "scrub")]
    for _ in range(ROUNDS):
        out["raw_seqread_mib_s"].append(fio(data, "read", "1m", 4)[1])
        for kind, target, msg in kinds:
            create(tabs_all[target])
            try:
                if kind == "scrub-digest":
                    message("bench", "sync")
                    wait_pass(key="sync_running")
                key = "sync_running" if msg == "sync" else "scrub_running"
                # Four passes back to back, timed together.
                t0 = time.monotonic()
                try:
                    for _ in range(4):
                        message("bench", msg)
                        wait_pass(key=key)
                except OSError as e:
                    out["kinds"][kind] = {"error": os.strerror(e.errno)}
                    continue
                t = (time.monotonic() - t0) / 4
                st = status()
                if st["state"] != "ok" or st["scrub_mismatches"]:
                    raise RuntimeError(f"{kind}: {st}")
                out["kinds"].setdefault(kind, {"runs_mib_s": []})
                out["kinds"][kind]["runs_mib_s"].append(mib / t)
            finally:
                remove()
        if not fg:
            continue
        # Foreground reads with and without a scrub looping beside them.
        create(tabs_all["verify"])
        try:
            idle = fio("/dev/mapper/bench", "randread", "4k", 32)[0]
            stop = threading.Event()
            th = threading.Thread(target=scrub_loop, args=(stop,))
            th.start()
            try:
                busy = fio("/dev/mapper/bench", "randread", "4k", 32)[0]
            finally:
                stop.set()
                th.join()
            out["foreground"].setdefault("idle_iops", []).append(idle)
            out["foreground"].setdefault("scrub_iops", []).append(busy)
        finally:
            remove()
    raw = statistics.median(out["raw_seqread_mib_s"])
    out["raw_median_mib_s"] = round(raw, 1)
    for v in out["kinds"].values():
        if "runs_mib_s" in v:
            v["median_mib_s"] = round(statistics.median(v["runs_mib_s"]), 1)
            v["of_raw"] = round(v["median_mib_s"] / raw, 3)
    return out


SLOW_MBPS = 200


def slow_disk():
    """A null_blk disk limited to SLOW_MBPS MiB/s, memory backed: a data
    device whose reads cost time, not the guest's CPU, as a real disk's
    do.  None if this kernel's null_blk lacks the parameters."""
    r = subprocess.run(["modprobe", "null_blk", "nr_devices=1", "gb=1",
                        "memory_backed=1", f"mbps={SLOW_MBPS}",
                        "queue_mode=2"], capture_output=True)
    return "/dev/nullb0" if r.returncode == 0 and \
        os.path.exists("/dev/nullb0") else None


def print_passes(p):
    print()
    print(f"passes over {p['data']}: raw sequential read "
          f"{p['raw_median_mib_s']:.0f} MiB/s")
    for kind, v in p["kinds"].items():
        if "error" in v:
            print(f"{kind:14}: refused ({v['error']})")
        else:
            print(f"{kind:14}: {v['median_mib_s']:6.0f} MiB/s ({v['of_raw']:.2f} of raw)")
    fg = p["foreground"]
    if fg.get("idle_iops"):
        idle = statistics.median(fg["idle_iops"])
        busy = statistics.median(fg["scrub_iops"])
        print(f"4k randread qd32 on verify: {idle:.0f} IOPS idle, "
              f"{busy:.0f} IOPS during a scrub ({busy / idle:.2f})")


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
        WORKLOADS[:] = [w for w in WORKLOADS + EXTRA_WORKLOADS
                        if w[0] in only.split(",")]
    raw = {w[0]: {t: [] for t in tabs} for w in WORKLOADS}
    diverged = False
    for rnd in range(ROUNDS):
        for name, rw, bs, qd, nj in WORKLOADS:
            for target, table in tabs.items():
                if diverged and target.startswith("verify") and \
                        " /dev/ram1 " in table:
                    sync_legs()
                    diverged = False
                raw[name][target].append(run_target(target, table, rw, bs,
                                                    qd, nj))
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
            # Each round's run against dm-linear's in the same round.
            rounds = [x[0] / lin[0] if lin[0] else 0.0
                      for x, lin in zip(raw[name][target], raw[name]["linear"])]
            entry[target] = {"iops": round(iops, 1), "mib_s": round(mibs, 2),
                             "p99_us": round(p99, 1),
                             "ratio": round(iops / base, 3) if base else None,
                             "runs_iops": [round(x[0], 1) for x in raw[name][target]],
                             "round_ratios": [round(x, 3) for x in rounds]}
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
    result["targets"] = sh("dmsetup", "targets").split("\n")
    if os.environ.get("BENCH_PASSES", "1") != "0":
        result["passes"] = [passes("/dev/ram0", sectors)]
        slow = slow_disk()
        if slow:
            sh("dd", "if=/dev/urandom", f"of={slow}", "bs=1M",
               f"count={SIZE_MB}", "oflag=direct", "status=none")
            result["passes"].append(passes(slow, sectors, fg=False))
            subprocess.run(["modprobe", "-r", "null_blk"])

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
    print("ratio to dm-linear within each round: lowest-highest")
    print(f"{'workload':22}" + "".join(f"{t:>16}" for t in targets))
    for name, *_ in WORKLOADS:
        row = result["workloads"][name]
        print(f"{name:22}" + "".join(
            f"{min(row[t]['round_ratios']):>11.2f}-{max(row[t]['round_ratios']):.2f}"
            for t in targets))
    print()
    for t, s in slab.items():
        print(f"slab growth {t:8}: {s['after_create_kb']} KiB at create, "
              f"{s['peak_qd256_kb']} KiB peak at iodepth 256")
    for p in result.get("passes", []):
        print_passes(p)
    write_result(outdir, "bench.json", result)


if __name__ == "__main__":
    main()
