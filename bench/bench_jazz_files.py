"""Evidence: the jazz command on real-looking MIDI files it was never tuned for, with no part options.

    python -m bench.bench_jazz_files                 # all files, 5 epochs each
    python -m bench.bench_jazz_files --epochs 2 --limit 6

The files: every MIDI file music21 ships (``music21/midi/testPrimitive/*.mid``, ``music21/omr/*.mid``), Bach
chorales of the music21 corpus written out as MIDI (``corpus.parse('bach/bwv66.6').write('midi', ...)``), and
three files built here with several tracks / channels (a type-0 band with drums, three tracks all called
``unknown``, a two-hand piano). Each runs ``python -m assignments.jazz --midi FILE`` (in this process, through
``shared.run.cli.run``, so TensorFlow is imported once) with a small training and ``--no-wav``.

A run counts as a *solo* when it ends with status 0 and every generated note lies in the piano range (A0-C8)
and in the training melody's range (``metrics.json``: the generated column's ``pitch_low``/``pitch_high``
inside the training solo's); it is *heard ok* when its melody is one line, at least 90 % of its onsets over a
chord, its density x0.75-x1.33 of the source melody's and its share of steps within 0.15 of the source's. A run that stops must do so with one ``error:`` line within 2 s and leave no
output folder. Results: ``output/bench/jazz_files.json`` and a table.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

PIANO = (21, 108)
CORPUS_WORKS = (  # music21 corpus scores written out as MIDI: chorales, string quartets, piano, a madrigal, a song
    "bach/bwv66.6", "bach/bwv7.7", "bach/bwv269", "bach/bwv347", "bach/bwv153.1", "bach/bwv1.6",
    "mozart/k80/movement1", "haydn/opus74no1/movement3", "beethoven/opus18no1/movement2",
    "schumann_robert/opus41no1/movement2", "schoenberg/opus19/movement2", "joplin/maple_leaf_rag",
    "chopin/mazurka06-2", "corelli/opus3no1/1grave", "monteverdi/madrigal.3.1", "verdi/laDonnaEMobile",
)


def _sources(work: Path) -> list[Path]:
    import music21

    from tests.test_jazz_parts import _block_chords, _drums, _melody, _track, type0_band, write_file

    root = Path(music21.__file__).parent
    files = sorted((root / "midi" / "testPrimitive").glob("*.mid")) + sorted((root / "omr").glob("*.mid"))
    for work_id in CORPUS_WORKS:
        target = work / f"{work_id.replace('/', '_')}.mid"
        try:
            music21.corpus.parse(work_id).write("midi", fp=str(target))
        except Exception as exc:  # music21 cannot write some scores (badly formed repeats): not a jazz result
            print(f"skipped {work_id}: music21 cannot write it as MIDI ({type(exc).__name__})", flush=True)
            continue
        files.append(target)
    files.append(type0_band(work / "type0_band.mid"))
    files.append(write_file(work / "unknown_x3.mid", [_track("unknown", _drums()), _track("unknown", _melody()),
                                                      _track("unknown", _block_chords(channel=0))]))
    left = [(2.0 * i, 2.0, 48 + (i * 5) % 12, 1) for i in range(24)]
    files.append(write_file(work / "two_hands.mid", [_track("Right", _melody()), _track("Left", left)]))
    return files


def _midi_number(name: str) -> int:
    from assignments.jazz.midi.notes import midi_number

    return midi_number(name)


def run_one(path: Path, out: Path, epochs: int) -> dict:
    from assignments.jazz.__main__ import main
    from shared.run.cli import run

    argv = ["--midi", str(path), "--epochs", str(epochs), "--ty", "50", "--no-wav", "--quiet", "--out", str(out)]
    stdout, stderr = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = run(main, argv)
    seconds = time.perf_counter() - started
    row = {"file": path.name, "status": status, "seconds": round(seconds, 2)}
    if status != 0:
        lines = stderr.getvalue().strip().splitlines()
        row.update(error=lines[-1] if lines else "", error_lines=len(lines), left_files=out.exists())
        row["ok"] = len(lines) == 1 and lines[0].startswith("error: ") and seconds < 2 and not out.exists()
        return row
    columns = json.loads((out / "metrics.json").read_text())["columns"]
    generated, training = columns["generated"], columns["training solo"]
    low, high = _midi_number(generated["pitch_low"]), _midi_number(generated["pitch_high"])
    t_low, t_high = _midi_number(training["pitch_low"]), _midi_number(training["pitch_high"])
    row.update(notes=generated["notes"], generated=f"{generated['pitch_low']}-{generated['pitch_high']}",
               training=f"{training['pitch_low']}-{training['pitch_high']}")
    row["ok"] = PIANO[0] <= low <= high <= PIANO[1] and t_low <= low and high <= t_high
    # what a listener hears (issue 18): one line, over chords, as dense and as stepwise as the source's melody
    row.update(polyphony=generated["melody_polyphony"], coverage=round(generated["chord_coverage"], 3),
               density_x=round(generated["note_density"] / training["note_density"], 2),
               steps_diff=round(generated["step_share"] - training["step_share"], 3))
    row["heard_ok"] = (row["polyphony"] == 1 and row["coverage"] >= 0.9 and 0.75 <= row["density_x"] <= 1.33
                       and abs(row["steps_diff"]) <= 0.15)
    return row


def main(argv=None) -> int:
    import argparse

    from bench.common import write_results
    from shared.table import format_table

    parser = argparse.ArgumentParser(prog="python -m bench.bench_jazz_files")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ.setdefault("JAZZ_CACHE_DIR", str(work / "cache"))
        files = _sources(work)[:args.limit]
        for k, path in enumerate(files):
            rows.append(run_one(path, work / f"out{k}", args.epochs))
            print(json.dumps(rows[-1]), flush=True)
    solos = [r for r in rows if r["status"] == 0]
    good = [r for r in solos if r["ok"]]
    stopped_ok = [r for r in rows if r["status"] != 0 and r["ok"]]
    keys = ["polyphony", "coverage", "density_x", "steps_diff", "heard_ok"]
    print(format_table(["file", "status", "s", "notes", "generated", "training", "ok", *keys, "error"],
                       [[r["file"], r["status"], r["seconds"], r.get("notes", ""), r.get("generated", ""),
                         r.get("training", ""), r["ok"], *(r.get(k, "") for k in keys), r.get("error", "")[:90]]
                        for r in rows]))
    summary = {"files": len(rows), "solos": len(solos), "solos_in_range": len(good),
               "solos_heard_ok": sum(bool(r.get("heard_ok")) for r in solos), "stopped_cleanly": len(stopped_ok),
               "epochs": args.epochs}
    print(summary)
    path = write_results("jazz_files", {"summary": summary, "rows": rows})
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
