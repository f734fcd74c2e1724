#!/usr/bin/env python3
"""flakelog on Dask: `flakelog stats --partial` as the map step over shards of an archive,
`flakelog merge --partial` as the reduce step (a tree of them), and one last `flakelog merge`
that writes the rows: byte for byte what one `flakelog stats` over the archive gives.

Partials travel between workers as bytes, so the workers need the logs and flakelog, not a
shared scratch directory. On one machine a LocalCluster is started; give --scheduler to use a
running cluster instead.

    python3 recipes/dask_flakelog.py --flakelog target/release/flakelog --workers 2 \
        --shards 8 archive/ > stats.csv
"""

import argparse
import os
import subprocess
import sys
import tempfile

# the names a directory walk of flakelog reads by default (README: "Directories")
LOG_SUFFIXES = (".log", ".txt")
COMPRESSED = ("", ".gz", ".xz", ".zst", ".bz2")


def is_log(name):
    if name.startswith("."):
        return False
    for c in COMPRESSED:
        if c and not name.endswith(c):
            continue
        stem = name[: len(name) - len(c)] if c else name
        if stem.endswith(LOG_SUFFIXES) or stem == "stdio" or "." not in stem:
            return True
    return False


def list_logs(roots):
    """Every log under the roots, named as a flakelog walk names them (ROOT/rel/path)."""
    logs = []
    for root in roots:
        if os.path.isfile(root):
            logs.append(root)
            continue
        for d, dirs, files in os.walk(root, followlinks=True):
            dirs[:] = [x for x in dirs if not x.startswith(".")]
            logs.extend(os.path.join(d, f) for f in files if is_log(f))
    return sorted(logs)


def run(cmd):
    # exit 1 means "some input had a problem" (said on stderr); 2 is a usage error
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if done.returncode > 1:
        raise RuntimeError(f"{cmd[:3]}: {done.stderr.decode(errors='replace')}")
    sys.stderr.write(done.stderr.decode(errors="replace"))
    return done.stdout


def partial_of(flakelog, logs):
    """Map: the partial of some logs, as bytes."""
    return run([flakelog, "stats", "--partial", "-q", *logs])


def merged(flakelog, parts, final_args=None):
    """Reduce: partials (bytes) merged into one partial, or into rows with final_args."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, part in enumerate(parts):
            path = os.path.join(tmp, f"{i}.flk")
            with open(path, "wb") as f:
                f.write(part)
            paths.append(path)
        tail = final_args if final_args is not None else ["--partial"]
        return run([flakelog, "merge", "-q", *tail, *paths])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("paths", nargs="+")
    p.add_argument("--flakelog", default="flakelog")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--shards", type=int, default=8)
    p.add_argument("--fan-in", type=int, default=4, help="partials per reduce step")
    p.add_argument("--scheduler", help="address of a running Dask scheduler")
    p.add_argument("--format", default="csv")
    args = p.parse_args()

    from dask.distributed import Client, LocalCluster

    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(
            n_workers=args.workers, threads_per_worker=1, dashboard_address=None
        )
        client = Client(cluster)
    logs = list_logs(args.paths)
    shards = [s for s in (logs[i :: args.shards] for i in range(args.shards)) if s]
    parts = client.map(partial_of, [args.flakelog] * len(shards), shards)
    while len(parts) > 1:
        groups = [parts[i : i + args.fan_in] for i in range(0, len(parts), args.fan_in)]
        parts = [client.submit(merged, args.flakelog, g) for g in groups]
    rows = merged(args.flakelog, [parts[0].result()], ["--format", args.format])
    sys.stdout.buffer.write(rows)
    client.close()


if __name__ == "__main__":
    main()
