"""``python -m tools.report``: the page's content and escaping, bad input, and the page in headless Chromium.

The output folder is built inside the test: the dinosaur and assignment-1 runs are real (``python -m
assignments.dinos`` with 2001 iterations, ``python -m assignments.rnn_step_by_step --no-keras``), the jazz,
Shakespeare and compare files are written in the shapes those commands write (real WAVs with ``wave``,
real PNGs with matplotlib). The browser test opens the page from disk and checks what a reader gets:
images decode, audio loads with the WAV's duration, tables show the JSON's numbers, the console is clean.
The run machinery: a real ``python -m tools.report`` sent SIGINT/SIGTERM at chosen points keeps the previous
page and card (or, during the commit, completes the new ones); a run in progress and a folder whose files are
not its run card's set are said on the page and in one line.
"""
from __future__ import annotations

import json
import math
import os
import signal
import shutil
import struct
import subprocess
import sys
import tempfile
import wave
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest

from shared.run.cli import run
from shared.run.lock import FolderLock
from shared.run.outputs import OutputSet, verify_output_set
from shared.paths import REPO_ROOT
from tools.report import browser as browser_tools
from tools.report.__main__ import main
from tests import paused

HOSTILE = "<script>alert('x')</script> & \"quotes\""
MISSING_TARGETS = {"compare": "make compare", "jazz": "make jazz", "dinos": "make dinos",
                   "shakespeare": "make shakespeare", "rnn": "make rnn"}


# --------------------------------------------------------------------------- the output folder

def write_wav(path: Path, seconds: float, rate: int = 8000, channels: int = 1) -> float:
    """A real PCM WAV (a quiet 440 Hz tone) of ``seconds``; returns its duration as ``wave`` reads it."""
    frames = int(seconds * rate)
    samples = [int(3000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(frames)]
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(channels)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(b"".join(struct.pack("<h", s) * channels for s in samples))
    with wave.open(str(path), "rb") as handle:
        return handle.getnframes() / handle.getframerate()


def write_png(path: Path, title: str) -> None:
    from shared.plotting import plot_curves

    plot_curves(path, {"loss": (range(5), [5, 4, 3, 2.5, 2])}, title, "epoch", "loss")


MIDI = b"MThd\x00\x00\x00\x06\x00\x00\x00\x01\x04\x00MTrk\x00\x00\x00\x04\x00\xff\x2f\x00"


def jazz_run(folder: Path) -> dict:
    """The files ``python -m assignments.jazz`` writes, in its shapes; returns the WAV durations."""
    folder.mkdir(parents=True)
    durations = {"jazz/my_music.wav": write_wav(folder / "my_music.wav", 1.5),
                 "jazz/course_my_music.wav": write_wav(folder / "course_my_music.wav", 0.8, 22050, 2)}
    (folder / "my_music.midi").write_bytes(MIDI)
    (folder / "original_excerpt.midi").write_bytes(MIDI)  # its WAV is missing: no FluidSynth
    write_png(folder / "pianoroll.png", "piano roll")
    write_png(folder / "loss.png", "jazz loss")
    metrics = {"columns": {
        "generated": {"notes": 190, "pitch_low": "C3", "pitch_high": "F6", "pitch_range": 41,
                      "scale_consistency": 0.9, "chord_tone_rate": 0.7263157894736842,
                      "note_density": 3.762376237623762, "pc_distance_training": 0.22388873738751022,
                      "pc_distance_course": 0.13110047846889952, "longest_copied_run": 18, "values_per_chunk": 50},
        "training solo": {"notes": 193, "pitch_low": "C#3", "pitch_high": "B-5", "pitch_range": 33,
                          "scale_consistency": 0.8186528497409327, "chord_tone_rate": 0.5958549222797928,
                          "note_density": 2.6898954703832754, "pc_distance_training": 0.0,
                          "pc_distance_course": 0.2144135657089025},
        "course output": {"notes": 110, "pitch_low": "D3", "pitch_high": "B-4", "pitch_range": 20,
                          "scale_consistency": 0.9545454545454546, "chord_tone_rate": None,
                          "note_density": 3.697478991596639, "pc_distance_training": 0.2144135657089025,
                          "pc_distance_course": 0.0}},
        "course_file": "course_my_music.midi", "note": f"a note from the file: {HOSTILE}"}
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2))
    card = {"command": "python -m assignments.jazz", "seed": 7, "created": "2026-01-01T00:00:00+00:00",
            "settings": {"era": "2021", "epochs": 3, "temperature": 0.75, "greedy": False, "top_k": 5, "seed": 7,
                         "midi": "/somewhere/original_metheny.mid", "load": None,
                         "midi_config": {"window": [476.0, 548.0]}},
            "results": {"loss_first": 129.9275380452474, "loss_last": 101.5, "train_seconds": 1.25}}
    (folder / "run_card.json").write_text(json.dumps(card))
    return durations


def shakespeare_run(folder: Path) -> str:
    folder.mkdir(parents=True)
    prompt = "Forsooth this maketh no sense "
    poem = prompt + f"on graw,\nthat {HOSTILE} sight,\n"
    (folder / "poem.txt").write_text(poem + "\n", encoding="utf-8")
    card = {"seed": 3, "created": "2026-01-01T00:00:00+00:00",
            "settings": {"prompt": prompt, "length": 40, "temperature": 0.5, "seed": 3, "mode": "window"},
            "results": {"model": "data/model_shakespeare_kiank_350_epoch.h5 (221,990 parameters)",
                        "generated_characters": 40, "characters_per_second": 74.5}}
    (folder / "run_card.json").write_text(json.dumps(card))
    return poem


def compare_summary(folder: Path) -> dict:
    folder.mkdir(parents=True)
    summary = {"matched": 3, "total": 4, "seconds": 12.34, "assignments": {
        "rnn_step_by_step": {"title": "Assignment 1", "matched": 2, "total": 2, "notes": ["two values"], "rows": [
            {"what": "rnn_cell_forward: a_next[4]", "expected": [0.59584544, 0.18141802],
             "got": [0.59584544, 0.18141802], "ok": True},
            {"what": "lstm: c[2][1]", "expected": -0.855544916718, "got": -0.855544916718, "ok": True}]},
        "dinos": {"title": f"Dinosaur Island {HOSTILE}", "matched": 1, "total": 2, "notes": [HOSTILE], "rows": [
            {"what": "Iteration 0 loss", "expected": "23.087336", "got": "23.087336", "ok": True},
            {"what": "Iteration 2000 names", "expected": ["Liusskeomnolxeros"], "got": ["Liusskeomnolxerus"],
             "ok": False},
            {"what": "sampled names (machine-dependent)", "expected": None, "got": list(range(80)), "ok": None}]}}}
    (folder / "summary.json").write_text(json.dumps(summary))
    return summary


REAL_RUNS = {"dinos": ["assignments.dinos", "--iterations", "2001", "--samples", "8", "--quiet"],
             "rnn_step_by_step": ["assignments.rnn_step_by_step", "--no-keras", "--quiet"]}


@contextmanager
def launch(session, module, tmp_path_factory):
    """The two real runs of :func:`runs` (dinos and rnn, tiny), started with the session in the background
    (``tests/paused.py``); yields ``(their output folder, the processes)``."""
    root = tmp_path_factory.mktemp("output")
    processes = [paused.background(["-m", *args, "--out", str(root / name)], stdout=subprocess.DEVNULL)
                 for name, args in REAL_RUNS.items()]
    try:
        yield root, processes
    finally:
        paused.stop(processes)


@pytest.fixture(scope="module")
def runs(launched_early):
    """An output folder with every run: dinos and rnn real (tiny), the others in their commands' shapes."""
    root, processes = launched_early[__name__]
    durations = jazz_run(root / "jazz")
    poem = shakespeare_run(root / "shakespeare")
    summary = compare_summary(root / "compare")
    for process in processes:
        _, err = process.communicate(timeout=240)
        assert process.returncode == 0, (process.args, err)
    return {"root": root, "durations": durations, "poem": poem, "summary": summary}


@pytest.fixture(scope="module")
def page(runs):
    code = run(main, ["--output", str(runs["root"])])
    assert code == 0
    return (runs["root"] / "index.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the page as HTML

class Outline(HTMLParser):
    """Headings, images, audio elements, table headers, ids and scripts of a page."""

    def __init__(self):
        super().__init__()
        self.headings, self.images, self.audio, self.th, self.ids, self.tags = [], [], [], [], {}, []
        self.html_lang = None
        self._text_of = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if "id" in attrs:
            self.ids[attrs["id"]] = ""
            self._text_of = attrs["id"]
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag in ("h1", "h2", "h3", "h4"):
            self.headings.append(int(tag[1]))
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "audio":
            self.audio.append(attrs)
        elif tag == "th":
            self.th.append(attrs)

    def handle_data(self, data):
        if self._text_of:
            self.ids[self._text_of] += data

    def handle_endtag(self, tag):
        self._text_of = None


def test_page_structure_is_accessible(page):
    outline = Outline()
    outline.feed(page)
    assert outline.html_lang == "en" and "<title>Sequence Models, week 1" in page
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(outline.headings, outline.headings[1:])), outline.headings
    assert sorted(i["src"] for i in outline.images) == ["dinos/loss.png", "jazz/loss.png", "jazz/pianoroll.png"]
    assert all(i.get("alt", "").strip() and int(i["width"]) > 0 and int(i["height"]) > 0 for i in outline.images)
    assert outline.th and all(t.get("scope") in ("col", "row") for t in outline.th)
    assert len(outline.audio) == 2
    for player in outline.audio:
        assert player["preload"] == "metadata" and "controls" in player
        assert outline.ids.get(player["aria-labelledby"], "").strip()  # a visible label
    assert "script" not in outline.tags  # no JavaScript at all
    assert "http://" not in page and "https://" not in page  # nothing fetched from the network


def test_page_text_and_escaping(runs, page):
    assert HOSTILE not in page and "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot;" in page
    # the scoreboard: totals per assignment, every row, informational rows apart
    assert "<strong>3/4</strong> of the course&#x27;s reference values match" in page
    assert "</strong> — 2/2 match, 2 rows</summary>" in page and "</strong> — 1/2 match, 3 rows</summary>" in page
    assert '<details id="compare-rnn_step_by_step" class="group">' in page  # all match: collapsed
    assert '<details id="compare-dinos" class="group" open>' in page  # a mismatch: open
    assert "✗ mismatch" in page and "· info" in page
    # jazz: two players, the missing WAV said and its MIDI linked, settings from the run card
    assert 'src="jazz/my_music.wav"' in page and 'src="jazz/course_my_music.wav"' in page
    assert "FluidSynth was not found" in page and 'href="jazz/original_excerpt.midi"' in page
    assert "<dt>decoding</dt><dd>sampling, temperature 0.75, top-k 5</dd>" in page
    assert ">129.928 → 101.5<" in page and "original_metheny.mid, quarter notes 476–548" in page
    # dinosaurs: names marked, the course's checkpoints beside the run's (the same for 0 and 2000)
    names = (runs["root"] / "dinos" / "names.txt").read_text().splitlines()[2:]
    assert len(names) == 8
    for line in names:
        name, label = line.split(None, 1)
        assert f'<span class="name">{name}</span> <span class="tag' in page
        assert label.strip() in ("new", "real dinosaur") or (name, label.strip()) == ("(empty)", "empty")
    assert page.count("✓ same") == 2 and "✗ differs" not in page
    assert "This run&#x27;s checkpoints are read from checkpoints.json." in page
    # Shakespeare: the prompt marked, the poem escaped, the settings
    assert '<strong class="prompt">Forsooth this maketh no sense </strong>' in page
    assert "<dt>temperature</dt><dd>0.5</dd>" in page and "<dt>seed</dt><dd>3</dd>" in page
    # assignment 1: every group with its count
    assert "reference 89/89" in page and "gradient 57/57" in page and "keras" not in page.split('id="rnn"')[1]


def test_command_prints_what_it_wrote_and_leaves_a_run_card(runs, capsys, tmp_path):
    root = tmp_path / "out"
    shutil.copytree(runs["root"] / "shakespeare", root / "shakespeare")
    assert run(main, ["--output", str(root)]) == 0
    out = capsys.readouterr()
    assert "wrote " in out.out and "index.html (1 of 5 sections" in out.out and out.err == ""
    assert "missing: compare (make compare), jazz (make jazz), dinos (make dinos), rnn (make rnn)" in out.out
    card = json.loads((root / "report_run_card.json").read_text())
    assert card["results"]["sections"]["shakespeare"] is True and card["results"]["sections"]["jazz"] is False
    assert str(root / "shakespeare" / "poem.txt") in card["data"]
    assert sorted(p.name for p in root.iterdir()) == ["index.html", "report_run_card.json", "shakespeare"]


def test_missing_runs_show_their_make_targets(tmp_path, capsys):
    assert run(main, ["--output", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("index.html") and out.count("\n") == 1
    page = (tmp_path / "index.html").read_text()
    for section, target in MISSING_TARGETS.items():
        part = page.split(f'<section id="{section}"')[1].split("</section>")[0]
        assert f"Run <code>{target}</code> to produce it" in part, section


def test_after_make_clean_the_page_says_what_to_run(tmp_path, capsys, monkeypatch):
    import tools.report.__main__ as command

    monkeypatch.setattr(command, "OUTPUT_DIR", tmp_path / "output")  # the default folder, absent (make clean)
    assert run(main, []) == 0
    out = capsys.readouterr().out
    assert "missing: compare (make compare)" in out and (tmp_path / "output" / "index.html").is_file()


@pytest.mark.parametrize("kind", ["file", "absent", "empty"])
def test_bad_output_is_one_line(tmp_path, capsys, monkeypatch, kind):
    monkeypatch.chdir(tmp_path)  # an empty --output must not mean the working folder
    target = tmp_path / "output"
    if kind == "file":
        target.write_text("not a folder")
    assert run(main, ["--output", "" if kind == "empty" else str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    expected = {"file": "is a file", "absent": "output folder not found", "empty": "argument --output: is empty"}
    assert expected[kind] in err and ("make jazz" in err) == (kind == "absent")
    assert not (tmp_path / "index.html").exists() and sorted(tmp_path.iterdir()) == ([target] if kind == "file" else [])


def test_broken_files_are_warnings_not_tracebacks(runs, tmp_path, capsys):
    root = tmp_path / "out"
    shutil.copytree(runs["root"] / "jazz", root / "jazz")
    (root / "jazz" / "metrics.json").write_text("{not json")
    (root / "jazz" / "pianoroll.png").write_bytes(b"GIF89a not a png at all")
    (root / "jazz" / "my_music.wav").write_bytes(b"RIFF\x00\x00")
    (root / "dinos").mkdir()
    (root / "dinos" / "names.txt").write_bytes(b"\xff\xfe names")
    (root / "rnn_step_by_step").mkdir()
    (root / "rnn_step_by_step" / "checks.json").write_text('{"a": 1}')
    assert run(main, ["--output", str(root)]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "warning: jazz/metrics.json: is not valid JSON (line 1: Expecting property name enclosed in double quotes)",
        "warning: jazz/my_music.wav: is not a readable WAV file (truncated)",
        "warning: jazz/pianoroll.png: is not a PNG image",
        "warning: dinos/names.txt: is not UTF-8 text (byte 0)",
        "warning: rnn_step_by_step/checks.json: has an unexpected shape (a JSON object, expected array)",
    ]
    page = (root / "index.html").read_text()
    assert page.count('class="warning"') == 3 and 'src="jazz/my_music.wav"' not in page
    assert 'src="jazz/pianoroll.png"' not in page and 'src="jazz/course_my_music.wav"' in page


def test_report_imports_no_heavy_library(tmp_path):
    code = ("import sys; from shared.run.cli import run; from tools.report.__main__ import main; "
            f"code = run(main, ['--output', {str(tmp_path)!r}, '--quiet']); "
            "heavy = [m for m in ('tensorflow', 'keras', 'music21', 'numpy', 'matplotlib', 'mido') "
            "if m in sys.modules]; "
            "print(heavy); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


# --------------------------------------------------------------------------- the page in Chromium

@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module (fresh profile); skipped without it, except in CI."""
    reason = browser_tools.missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; in CI the browser test must run")
        pytest.skip(reason)
    profile = tempfile.mkdtemp(prefix="report-chromium-")
    driver = browser_tools.start(profile)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def cells(driver, table_id: str) -> list[list[str]]:
    """The text of every row of a table (header row first), as the browser renders it."""
    return driver.execute_script(
        "return [...document.getElementById(arguments[0]).rows].map(r => [...r.cells].map(c => c.innerText.trim()))",
        table_id)


def test_page_in_chromium(browser, runs, page, tmp_path):
    root = runs["root"]
    browser_tools.open_page(browser, root / "index.html")  # waits for images and audio metadata
    images = browser.execute_script("return [...document.images].map(i => [i.getAttribute('src'), i.naturalWidth])")
    assert len(images) == 3 and all(width > 0 for _, width in images), images
    players = browser.execute_script(
        "return [...document.querySelectorAll('audio')].map(a => [a.getAttribute('src'), a.readyState, a.duration,"
        " a.error && a.error.code])")
    assert len(players) == 2
    for src, state, duration, error in players:
        expected = runs["durations"][src]
        assert error is None and state >= 1 and abs(duration - expected) <= 0.01 * expected, (src, duration)

    # the metrics table shows metrics.json's numbers (rounded to 3 decimals: tolerance 5e-4)
    metrics = json.loads((root / "jazz" / "metrics.json").read_text())["columns"]
    rows = cells(browser, "jazz-metrics")
    assert rows[0] == ["metric", *metrics]
    shown = {row[0].split("\n")[0]: row[1:] for row in rows[1:]}
    for column, (name, values) in enumerate(metrics.items()):
        for key, value in values.items():
            text = shown[key][column]
            if isinstance(value, str):
                assert text == value
            elif value is None:
                assert text == "–"
            else:
                assert abs(float(text) - value) <= 5e-4, (name, key, text, value)
    assert all(shown[k][2] == "–" for k in ("longest_copied_run", "values_per_chunk"))

    # the scoreboard: one line per assignment, then its rows as in summary.json
    assert cells(browser, "compare-overview")[1:] == [
        ["Assignment 1", "2/2", "0", "✓ all match"],
        [f"Dinosaur Island {HOSTILE}", "1/2", "1", "✗ 1 differ"]]
    # the scoreboard tables show summary.json's rows (expected and got as text, result as a word); a reader
    # opens the collapsed tables first
    browser.execute_script("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    for key, entry in runs["summary"]["assignments"].items():
        rows = cells(browser, f"compare-table-{key}")[1:]
        assert [r[0] for r in rows] == [r["what"] for r in entry["rows"]]
        for shown_row, row in zip(rows, entry["rows"]):
            word = {True: "match", False: "mismatch", None: "info"}[row["ok"]]
            assert shown_row[3].endswith(word)
            if isinstance(row["expected"], float):
                assert float(shown_row[1]) == row["expected"]

    # the checkpoint table: this run's losses as the run printed them, the course's beside them
    card = json.loads((root / "dinos" / "run_card.json").read_text())
    printout = card["results"]["checkpoint_printout"]
    recorded = root / "dinos" / "checkpoints.json"  # written by current runs; older ones have the printout only
    printed = {c["iteration"]: c["loss"] for c in json.loads(recorded.read_text())["checkpoints"]} \
        if recorded.is_file() else {}
    course = {c["iteration"]: c for c in json.loads((REPO_ROOT / "data" / "reference" / "dinos.json").read_text())
              ["model"]["checkpoints"]}
    rows = {int(r[0]): r for r in cells(browser, "dinos-checkpoints")[1:]}
    assert sorted(rows) == sorted(set(course) | {0, 2000})
    for iteration in (0, 2000):
        assert f"Iteration: {iteration}, Loss: {rows[iteration][1]}" in printout
        assert printed.get(iteration, rows[iteration][1]) == rows[iteration][1]
        assert rows[iteration][2] == course[iteration]["loss"] and rows[iteration][5] == "✓ same"
        assert rows[iteration][3].split(" · ") == course[iteration]["names"]
    assert rows[4000][1] == "–" and rows[4000][5].endswith("not run")
    # a name as long as the sampler allows (50 characters) wraps inside its column of the names grid
    long_name = browser.execute_script(
        "const ul = document.getElementById('dinos-names'), li = ul.firstElementChild.cloneNode(true);"
        "li.querySelector('.name').textContent = 'Q'.repeat(50); ul.prepend(li);"
        "return [li.scrollWidth, li.clientWidth, li.getBoundingClientRect().right, ul.getBoundingClientRect().right];")
    assert long_name[0] <= long_name[1] and long_name[2] <= long_name[3] + 0.5, long_name

    # assignment 1: one row per check of checks.json, errors as printed by make rnn
    checks = json.loads((root / "rnn_step_by_step" / "checks.json").read_text())
    for group in ("reference", "fast", "gradient"):
        part = [c for c in checks if c["group"] == group]
        rows = cells(browser, f"rnn-{group}")[1:]
        assert len(rows) == len(part)
        assert [(r[0], r[1], r[4]) for r in rows] == [(c["case"], c["name"], f"{c['error']:.1e}") for c in part]
    text = browser.find_element("tag name", "body").text
    assert HOSTILE in text  # escaped strings show as typed

    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    browser_tools.open_page(browser, root / "index.html")  # as it opens: tables collapsed
    shot = browser_tools.save_png(browser_tools.full_page_png(browser), tmp_path / "report-test.png")
    with open(shot, "rb") as handle:
        head = handle.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", head[16:20])[0] == 1280


def test_missing_runs_in_chromium(browser, tmp_path):
    assert run(main, ["--output", str(tmp_path), "--quiet"]) == 0
    browser_tools.open_page(browser, tmp_path / "index.html")
    for section, target in MISSING_TARGETS.items():
        text = browser.find_element("id", section).text
        assert f"Run {target} to produce it" in text, (section, text)
    assert browser.execute_script("return document.images.length + document.querySelectorAll('audio').length") == 0
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")] == []


class Borrowed:
    """The module's browser lent to the command: its ``quit`` leaves the browser running for the other tests."""

    def __init__(self, driver):
        self._driver = driver

    def __getattr__(self, name):
        return getattr(self._driver, name)

    def quit(self):
        pass


def test_screenshot_option(browser, tmp_path, capsys, monkeypatch):
    """``--screenshot``: the page opened and saved whole (how docs/report.png is made), in the module's browser."""
    monkeypatch.setattr(browser_tools, "start", lambda profile, width=1280, height=900: Borrowed(browser))
    shot = tmp_path / "docs" / "page.png"
    assert run(main, ["--output", str(tmp_path), "--quiet", "--screenshot", str(shot), "--colors", "64"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("page.png")
    head = shot.read_bytes()[:26]
    width, height, depth, colour_type = struct.unpack(">IIBB", head[16:26])
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and width == 1280 and height > 900 and colour_type == 3  # palette
    assert not list(shot.parent.glob(".*"))  # no temporary file left


@pytest.mark.parametrize("args, message", [
    (["--colors", "64"], "error: --colors needs --screenshot"),
    (["--screenshot", "page.jpg"], "error: --screenshot must name a .png file, got page.jpg"),
    (["--screenshot", "page.png", "--colors", "300"],
     "error: argument --colors: '300' must be between 2 and 256 (see --help)"),
    (["--colors", "1"], "error: argument --colors: '1' must be between 2 and 256 (see --help)"),
])
def test_bad_screenshot_options(tmp_path, capsys, args, message):
    assert run(main, ["--output", str(tmp_path), *args]) == 2
    assert capsys.readouterr().err == message + "\n" and not list(tmp_path.iterdir())



# --------------------------------------------------------------------------- all-or-nothing page, other runs' folders

# The real command, paused at a chosen point (tests/paused.py): it prints
# READY POINT and waits for a line on stdin (or a signal). Points: building (inside build_page, the staging
# folder open), staged (index.html staged, just before the commit), commit (inside the commit, after the first
# file was moved: signals wait). The pause is installed from here; the command has no test code.
PAUSED_REPORT = r"""
from shared.run import outputs
import tools.report.page as page

build_page, commit = page.build_page, outputs.OutputSet.commit
page.build_page = lambda *a, **k: (pause("building"), build_page(*a, **k))[1]
outputs.OutputSet.commit = lambda self: (pause("staged"), commit(self))[1]
outputs._commit_hook = lambda point: pause("commit") if point == "first file moved" else None
sys.argv = ["tools.report", *sys.argv[1:]]
runpy.run_module("tools.report", run_name="__main__", alter_sys=True)
"""
INTERRUPTS = [(point, name) for point in ("building", "staged", "commit") for name in ("SIGINT", "SIGTERM")]
CARD = "report_run_card.json"


def paused_report(root: Path, point: str) -> subprocess.Popen:
    return paused.start(PAUSED_REPORT, ["--output", str(root), "--quiet"], point)


@pytest.fixture(scope="module")
def small_output(tmp_path_factory):
    """An output folder with two cheap runs (Shakespeare, compare) and a page made by the report."""
    root = tmp_path_factory.mktemp("small") / "output"
    shakespeare_run(root / "shakespeare")
    compare_summary(root / "compare")
    (root / "notes.txt").write_text("a file of the user's beside the page\n")
    assert run(main, ["--output", str(root), "--quiet"]) == 0
    return root


@pytest.mark.parametrize("point, name", INTERRUPTS, ids=[f"{p}-{n}" for p, n in INTERRUPTS])
def test_interrupted_report_keeps_the_previous_page(small_output, tmp_path, point, name):
    root = tmp_path / "output"
    shutil.copytree(small_output, root)
    before = paused.tree(root)
    process = paused_report(root, point)
    paused.wait_ready(process, point, timeout=30)
    process.send_signal(getattr(signal, name))
    if point == "commit":  # the signal waits for the commit to finish
        try:
            process.wait(timeout=0.3)
        except subprocess.TimeoutExpired:
            pass
        assert process.poll() is None, "the commit was cut short by the signal"
        process.stdin.write("\n")
        process.stdin.flush()
    out, err = process.communicate(timeout=30)
    assert process.returncode == {"SIGINT": 130, "SIGTERM": 143}[name], err
    # stdout: nothing, or one newline when the signal landed while the command was writing a line (shared.run.console
    # ends a line it cannot be sure of before the error line)
    assert err == "error: interrupted\n" and out in ("", "\n"), (out, err)
    after = paused.tree(root)
    assert not [n for n in after if any(part.startswith(".") for part in n.split("/"))], sorted(after)
    others = {n: b for n, b in before.items() if n not in ("index.html", CARD)}
    assert {n: b for n, b in after.items() if n not in ("index.html", CARD)} == others  # never claimed or removed
    if point == "commit":  # the new page and its card, complete
        card = json.loads(after[CARD])
        assert after[CARD] != before[CARD] and list(card["files"]) == ["index.html"]
        assert verify_output_set(root, CARD) == []
        assert after["index.html"].startswith(b"<!doctype html>") and after["index.html"].endswith(b"</html>\n")
    else:  # the previous page and card, byte for byte
        assert (after["index.html"], after[CARD]) == (before["index.html"], before[CARD])


def test_report_set_is_only_the_page_and_its_card(small_output, tmp_path):
    root = tmp_path / "output"
    shutil.copytree(small_output, root)
    card = json.loads((root / CARD).read_text())
    assert list(card["files"]) == ["index.html"] and card["card"] == CARD
    assert str(small_output / "shakespeare" / "poem.txt") in card["data"]  # read, recorded with its sha256, not claimed
    assert verify_output_set(root, CARD) == []
    assert run(main, ["--output", str(root), "--quiet"]) == 0  # a second report over the first
    assert sorted(p.name for p in root.iterdir()) == ["compare", "index.html", "notes.txt", CARD, "shakespeare"]
    assert (root / "index.html").stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _set(folder: Path, files: dict[str, str], card: str = "run_card.json") -> None:
    """A run's set as the commands write it (through OutputSet)."""
    with OutputSet(folder, command="a test run", seed=0, card_name=card) as outputs:
        for name, text in files.items():
            outputs.write_text(name, text)


def test_a_run_in_progress_is_said(tmp_path, capsys):
    root = tmp_path / "output"
    shakespeare_run(root / "shakespeare")  # a previous run's files, a new run going on
    (root / "dinos").mkdir()  # a first run going on: nothing written yet
    with FolderLock(root / "shakespeare"), FolderLock(root / "dinos"):
        assert run(main, ["--output", str(root)]) == 0
    pid = os.getpid()
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"note: a run is in progress in {root}/dinos/ (pid {pid}): its files appear in the section when it ends "
        "(then run make report again)",
        f"note: a run is in progress in {root}/shakespeare/ (pid {pid}): the section shows the previous run's "
        "files, which may change when it ends"]
    assert f"  dinos        in progress (pid {pid})" in out.splitlines()
    shown = [line for line in out.splitlines() if line.startswith("  shakespeare  ")]
    assert len(shown) == 1 and shown[0].endswith(f" characters; a new run is in progress (pid {pid})"), out
    assert "missing: compare (make compare), jazz (make jazz), rnn (make rnn)" in out  # dinos is not missing
    page = (root / "index.html").read_text()
    dinos = page.split('<section id="dinos"')[1].split("</section>")[0]
    assert f"A run is in progress in {root}/dinos/ (pid {pid})" in dinos and "make dinos</code> to produce" not in dinos
    shakespeare = page.split('<section id="shakespeare"')[1].split("</section>")[0]
    assert f"(pid {pid}): the section shows the previous run&#x27;s files" in shakespeare
    assert '<strong class="prompt">' in shakespeare  # the previous poem is still shown
    assert f"— <span class=\"nav-status\">in progress (pid {pid})</span>" in page
    card = json.loads((root / CARD).read_text())
    assert card["results"]["in_progress"] == {"dinos": f"in progress (pid {pid})", "shakespeare": shown[0].split(None, 1)[1]}
    assert run(main, ["--output", str(root), "--quiet"]) == 0  # the runs ended: nothing said any more
    assert capsys.readouterr().err == ""


def test_folders_whose_files_are_not_their_run_cards_are_warnings(tmp_path, capsys):
    root = tmp_path / "output"
    _set(root / "dinos", {"names.txt": "# header\nAaa  new\n"})  # two sets in one folder, both consistent
    _set(root / "dinos", {"keras_names.txt": "# header\nBbb  new\n"}, card="keras_run_card.json")
    _set(root / "shakespeare", {"poem.txt": "Forsooth a poem\n"})
    (root / "shakespeare" / "poem.txt").write_text("Forsooth a poem, edited\n")  # changed since its run
    _set(root / "compare", {"summary.json": json.dumps({"matched": 1, "total": 1, "assignments": {}})})
    (root / "compare" / "old_summary.json").write_text("{}")  # copied in by hand: no run's file
    _set(root / "rnn_step_by_step", {"checks.json": "[]"})
    card = root / "rnn_step_by_step" / "run_card.json"  # a commit cut short by SIGKILL: journal, no card
    (root / "rnn_step_by_step" / ".commit-run_card.json").write_text(card.read_text())
    card.unlink()
    assert run(main, ["--output", str(root), "--quiet"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "warning: compare/old_summary.json: not listed in run_card.json; the files here are not all one run's set: "
        "run make compare again",
        "warning: shakespeare/poem.txt: sha256 differs from run_card.json; the files here are not all one run's "
        "set: run make shakespeare again",
        "warning: rnn_step_by_step/run_card.json: missing or not JSON (and 1 more problem); the files here are not "
        "all one run's set: run make rnn again"]
    page = (root / "index.html").read_text()
    shakespeare = page.split('<section id="shakespeare"')[1].split("</section>")[0]
    assert 'class="warning"' in shakespeare and "Forsooth a poem, edited" in shakespeare  # shown, with the warning
    dinos = page.split('<section id="dinos"')[1].split("</section>")[0]
    assert 'class="warning"' not in dinos
    for folder in ("dinos", "shakespeare", "compare"):  # the report reads, never repairs
        assert (root / folder / "run_card.json").is_file()
    assert (root / "rnn_step_by_step" / ".commit-run_card.json").is_file()
