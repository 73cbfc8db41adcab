"""The jazz section: three players (generated solo, the course's solo, the original excerpt), the piano roll,
the metrics table of ``metrics.json``, the loss curve, the run's settings and links to its files."""
from __future__ import annotations

from .html import Html, el, join, note, number, table
from .inputs import Inputs, as_dict
from .section import Section, audio, figure, files_list, not_run, run_card, settings

FOLDER = "jazz"
PLAYERS = (  # (wav, MIDI files that may stand beside it, label, detail)
    ("my_music.wav", ("my_music.midi",), "Generated solo", "this run's improvisation"),
    ("course_my_music.wav", ("course_my_music.midi",), "The course's generated solo",
     "the course notebook's own output, course_my_music.midi: five chunks layered 4 beats apart"),
    ("original_excerpt.wav", ("original_excerpt.midi", "original_excerpt.mid"), "Original excerpt",
     "the solo window the model learned from"),
)
METRICS = {  # metric -> what it means (metrics.py's definitions)
    "notes": "melody notes",
    "melody_polyphony": "most melody notes sounding at once (1: one line)",
    "chord_coverage": "share of melody onsets over a sounding chord",
    "ioi_distance": "inter-onset-interval histogram distance to the training solo (0 same, 1 disjoint)",
    "step_share": "share of melodic moves of at most 2 semitones",
    "leap_share": "share of melodic moves of 5 semitones or more",
    "pitch_low": "lowest pitch",
    "pitch_high": "highest pitch",
    "pitch_range": "range in semitones",
    "pc_distance_training": "pitch-class distance to the training solo (0 same, 1 disjoint)",
    "pc_distance_course": "pitch-class distance to the course's output",
    "scale_consistency": "largest share of notes in one major/minor scale",
    "chord_tone_rate": "share of notes in the chord sounding",
    "note_density": "onsets per beat (a chord in the melody counts once)",
    "longest_copied_run": "longest run of values copied from the corpus",
    "values_per_chunk": "values predicted per chunk",
}


def _metrics_table(metrics: dict) -> Html:
    columns = {name: as_dict(col) for name, col in as_dict(metrics.get("columns")).items()}
    if not columns:
        return note("metrics.json has no columns.")
    keys = [k for k in METRICS if any(k in c for c in columns.values())]
    keys += sorted({k for c in columns.values() for k in c} - set(keys))
    rows = [[el("span", el("code", k), el("span", METRICS.get(k, ""), class_="hint"))] +
            [number(c.get(k)) for c in columns.values()] for k in keys]
    parts = [table("Solo metrics (metrics.json; '–' where a metric is not defined)", ["metric", *columns], rows,
                   numeric=range(1, len(columns) + 1), id_="jazz-metrics")]
    if metrics.get("note"):
        parts.append(note(metrics["note"]))
    return join(parts)


def _short_commit(commit) -> str | None:
    """``2cd110851c9c-dirty`` for a run card's ``git_commit`` (None when the run was outside git)."""
    if not isinstance(commit, str) or not commit:
        return None
    return commit[:12] + ("-dirty" if commit.endswith("-dirty") else "")


def _settings(card: dict) -> Html:
    s, r = as_dict(card.get("settings")), as_dict(card.get("results"))
    a = as_dict(r.get("audio"))
    decoding = None
    if s:
        decoding = "greedy (the course's argmax)" if s.get("greedy") else \
            f"sampling, temperature {s.get('temperature')}" + (f", top-k {s['top_k']}" if s.get("top_k") else "")
    midi = str(s.get("midi") or "")
    return settings([
        ("seed", card.get("seed", s.get("seed"))),
        ("temperature", s.get("temperature")),
        ("decoding", decoding),
        ("layout", {"solo": "solo: one melody line over every chord group, chords held (tracks melody, chords)",
                    "course": "course: the notebook's five chunks, layered 4 beats apart"}.get(s.get("layout"))),
        ("audio", "; ".join(f"{k} {a[k]}" for k in ("soundfont", "fluidsynth") if a.get(k)) or None),
        ("epochs", s.get("epochs") if not s.get("load") else f"none (loaded {s['load']})"),
        ("era", s.get("era")),
        ("training MIDI", midi.replace("\\", "/").rsplit("/", 1)[-1] or None),
        ("loss, first → last epoch", f"{number(r['loss_first'])} → {number(r['loss_last'])}"
         if "loss_first" in r and "loss_last" in r else None),
        ("training time", f"{number(r['train_seconds'], 1)} s" if "train_seconds" in r else None),
        ("run created", card.get("created")),
        ("git commit", _short_commit(card.get("git_commit"))),
    ])


def build(inputs: Inputs) -> Section:
    title = "Jazz improvisation (assignment 3)"
    known = ["my_music.midi", "metrics.json", "run_card.json", "my_music.wav", "pianoroll.png"]
    if not any(inputs.exists(f"{FOLDER}/{f}") for f in known):
        return not_run("jazz", title, "make jazz", "The jazz run (output/jazz/)")
    card, s, r = run_card(inputs, FOLDER)
    metrics = inputs.json(f"{FOLDER}/metrics.json")
    window = as_dict(s.get("midi_config")).get("window")
    source = str(s.get("midi") or "").replace("\\", "/").rsplit("/", 1)[-1]
    where = ""
    if source:
        span = f", quarter notes {number(window[0])}–{number(window[1])}" if isinstance(window, list) and \
            len(window) == 2 else ""
        where = f" ({source}{span})"
    players = [audio(inputs, f"{FOLDER}/{wav}", [f"{FOLDER}/{m}" for m in midi], label,
                     detail + (where if wav.startswith("original") else ""), f"audio-{i}")
               for i, (wav, midi, label, detail) in enumerate(PLAYERS)]
    if "loss_first" in r and "loss_last" in r:
        loss_alt = (f"Training loss of the jazz LSTM per epoch, from {number(r['loss_first'])} at the first epoch "
                    f"to {number(r['loss_last'])} at the last.")
    else:
        loss_alt = "Training loss of the jazz LSTM per epoch."
    body = [
        el("h3", "Listen"), el("div", *players, class_="players"),
        el("h3", "Piano roll"),
        figure(inputs, f"{FOLDER}/pianoroll.png",
               "Piano roll of the generated solo (top) and of the original solo window (bottom): melody notes as "
               "coloured bars, chords in grey bars, pitch against beats.",
               "Generated solo above, the training solo window below; grey bars are the chords.", "The piano roll"),
        el("h3", "Metrics"),
        _metrics_table(metrics) if metrics is not None else
        note("metrics.json was not written by this run." if not inputs.exists(f"{FOLDER}/metrics.json")
             else "metrics.json could not be used (see the warning above)."),
        el("h3", "Training"),
        figure(inputs, f"{FOLDER}/loss.png", loss_alt,
               "Training loss (the sum of the cross-entropies of a window's predicted steps) per epoch.",
               "The loss curve"),
        _settings(card),
        el("h3", "Files"),
        files_list(inputs, [(f"{FOLDER}/my_music.midi", "the generated solo, MIDI"),
                            (f"{FOLDER}/course_my_music.midi", "the course's solo, MIDI"),
                            (f"{FOLDER}/original_excerpt.midi", "the original excerpt, MIDI"),
                            (f"{FOLDER}/original_excerpt.mid", "the original excerpt, MIDI"),
                            (f"{FOLDER}/metrics.json", "the metrics"),
                            (f"{FOLDER}/run_card.json", "the run card: command, settings, versions, data hashes"),
                            (f"{FOLDER}/model.keras", "the trained model (loads with safe_mode=True)")]),
    ]
    notes = as_dict(metrics).get("columns")
    status = f"{len(as_dict(notes))} solos measured" if notes else "run found"
    if not inputs.exists(f"{FOLDER}/my_music.wav"):
        status += ", no WAV"
    return Section("jazz", title, "make jazz", True, join(body), status)

