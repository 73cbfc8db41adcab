"""Jazz improvisation: the corpus of both music21 eras, X/Y, the load_music_utils printout, the models' sizes,
and the course's own generated solo measured beside a generated one.

The corpora come from :func:`assignments.jazz.corpus.build.load_corpus` (the project's cached parse of
``data/original_metheny.mid``) and are compared with ``jazz_corpus.json``, recorded from the course's own code
under music21 6.7.1 (era 2021, 90 values) and 5.5.0 (era 2018, 78 values): every token, value, grammar string,
melody element and chord (offsets and lengths to 1e-9, as binary floats on a triplet grid), the
``data_processing`` window starts and X/Y shapes and sums. The course's solo
(``data/course_my_music.midi``, fetched by ``make data``) is read with :mod:`assignments.jazz.solo.metrics`; its metrics and
those of a generated solo (``output/jazz/metrics.json``, if ``make jazz`` ran) are samples, shown, not compared.
"""
from __future__ import annotations

import json

from shared.run import UserError
from shared.paths import DATA_DIR, OUTPUT_DIR, display_path

from .inputs import load_json
from .rows import Row, Section, info, same, sequence_row

KEY = "jazz"
TITLE = "Assignment 3: Improvise a Jazz Solo with an LSTM Network"
FIXTURE = "jazz_corpus.json"
COURSE_SOLO = DATA_DIR / "course_my_music.midi"
REFERENCE_FILES = (FIXTURE,)  # what this section reads (for the run card)
DATA_FILES = ("original_metheny.mid", COURSE_SOLO.name)
ERAS = {"2021": "music21_6.7.1", "2018": "music21_5.5.0"}
TOL = 1e-9
# What the notebooks print after load_music_utils (section 1.1 - Dataset): the 2021 notebook as run in
# shivamaggarwal513/coursera-deep-learning-specialization@978806eb (v1.2, a3-jazz-improvisation-with-lstm), and
# the 2018 one, Kulbear/deep-learning-coursera@a266d5f3 (Improvise a Jazz Solo with an LSTM Network - v1).
COURSE_PRINTOUT = {
    "2021": ["number of training examples: 60", "Tx (length of sequence): 30", "total # of unique values: 90",
             "shape of X: (60, 30, 90)", "Shape of Y: (30, 60, 90)", "Number of chords 19"],
    "2018": ["shape of X: (60, 30, 78)", "number of training examples: 60", "Tx (length of sequence): 30",
             "total # of unique values: 78", "Shape of Y: (30, 60, 78)"],
}
# djmodel's "Total params" (section 2 - Building the Model, Exercise 1); music_inference_model shares its layers
# (section 3.1 - Predicting & Sampling, Exercise 2). The 2021 grader expects 45530 for both.
COURSE_PARAMETERS = {90: 45530, 78: 41678}
METRICS = ("notes", "pitch_low", "pitch_high", "pitch_range", "pc_distance_training", "scale_consistency",
           "chord_tone_rate", "note_density")


def prepare(context) -> dict:
    from assignments.jazz.corpus.build import load_corpus

    fixture = load_json(context.reference_dir, FIXTURE, *(f"{key}/{field}" for key in ERAS.values() for field in (
        "corpus", "values_sorted", "grammars_per_measure", "chord_groups", "melody_window_notes",
        "data_processing_window_starts", "X_shape", "Y_shape", "X_sum", "Y_sum", "n_values")))
    midi = DATA_DIR / "original_metheny.mid"
    if not COURSE_SOLO.is_file():
        raise UserError(f"the course's generated solo is missing: {display_path(COURSE_SOLO)} (run 'make data')")
    corpora = {era: load_corpus(midi, era) for era in ERAS}  # cached in .cache/jazz/ after the first parse
    return {"fixture": fixture, "midi": midi, "corpora": corpora,
            "course_solo": COURSE_SOLO}


def _melody_equal(ours, theirs: dict) -> bool:
    return (abs(ours.offset - theirs["offset"]) <= TOL and abs(ours.quarter_length - theirs["quarterLength"]) <= TOL
            and (ours.pitch, ours.grammar_index, ours.voice) == (theirs["pitch"], theirs["grammar_index"],
                                                                 theirs["voice"]))


def _chord_group_equal(ours, theirs: list) -> bool:
    return len(ours) == len(theirs) and all(
        abs(a.offset - b["offset"]) <= TOL and list(a.pitches) == b["pitches"]
        and abs(a.quarter_length - b["quarterLength"]) <= TOL for a, b in zip(ours, theirs))


def _show_melody(element) -> str:
    if isinstance(element, dict):
        return f"{element['pitch']}@{element['offset']:g}+{element['quarterLength']:.4g}"
    return f"{element.pitch}@{element.offset:g}+{element.quarter_length:.4g}"


PRINT_LABELS = ("number of training examples:", "Tx (length of sequence):", "total # of unique values:",
                "shape of X:", "Shape of Y:", "Number of chords")


def printout(X, Y, n_values: int, chords, era: str) -> dict[str, str]:
    """The notebook's print statements after ``load_music_utils``, applied to our arrays: {label: line}."""
    values = (X.shape[0], X.shape[1], n_values, X.shape, Y.shape, len(chords))
    lines = {label: f"{label} {value}" for label, value in zip(PRINT_LABELS, values)}
    if era != "2021":  # the 2018 load_music_utils returned no chords
        del lines["Number of chords"]
    return lines


def era_rows(era: str, corpus, ref: dict, midi) -> list[Row]:
    from shared.run.backend import import_keras

    import_keras()  # nothing here draws: Keras without matplotlib
    from assignments.jazz.corpus.windows import window_starts
    from assignments.jazz.course import djmodel, load_music_utils, music_inference_model
    from assignments.jazz.model.layers import count_params, make_layers

    name = f"era {era} ({ERAS[era].replace('_', ' ')})"
    n_chords = sum(len(g) for g in ref["chord_groups"])
    rows = [sequence_row(f"{name}: corpus", "tokens", corpus.corpus, ref["corpus"]),
            sequence_row(f"{name}: values (sorted)", "values", corpus.values, ref["values_sorted"]),
            sequence_row(f"{name}: grammar strings, one per measure", "measures", corpus.grammars,
                         ref["grammars_per_measure"], show=lambda g: repr(g[:40] + "…")),
            sequence_row(f"{name}: melody elements (offset, length to {TOL:g}; pitch, measure, voice)", "elements",
                         corpus.melody, ref["melody_window_notes"], equal=_melody_equal, show=_show_melody),
            sequence_row(f"{name}: chord groups ({n_chords} chords: offset, length to {TOL:g}; pitches in order)",
                         "groups", corpus.chord_groups, ref["chord_groups"], equal=_chord_group_equal,
                         show=lambda g: f"{len(g)} chords"),
            sequence_row(f"{name}: data_processing window starts (np.random.seed(0))", "starts",
                         window_starts(len(corpus.corpus), 60, 30), ref["data_processing_window_starts"])]
    X, Y, n_values, _, chords = load_music_utils(midi, era=era)
    rows += [same(f"{name}: X shape", tuple(ref["X_shape"]), X.shape),
             same(f"{name}: Y shape", tuple(ref["Y_shape"]), Y.shape),
             same(f"{name}: X sum", int(ref["X_sum"]), int(X.sum())),
             same(f"{name}: Y sum", int(ref["Y_sum"]), int(Y.sum()))]
    ours = printout(X, Y, n_values, chords, era)
    for line in COURSE_PRINTOUT[era]:
        label = next((label for label in PRINT_LABELS if line.startswith(label + " ")), line)
        rows.append(same(f"{name}: load_music_utils printout", line, ours.get(label, "(not printed)")))
    reshaper, LSTM_cell, densor = make_layers(n_values)
    expected = COURSE_PARAMETERS.get(int(ref["n_values"]))
    rows += [same(f"{name}: djmodel parameters (Tx=30, n_a=64)", expected,
                  count_params(djmodel(30, LSTM_cell, densor, reshaper)), show=_count),
             same(f"{name}: music_inference_model parameters (Ty=50, the same layers)", expected,
                  count_params(music_inference_model(LSTM_cell, densor, Ty=50)), show=_count)]
    return rows


def _count(value) -> str:
    return "-" if value is None else f"{value:,}"


def _metric(value) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def generated_metrics(path) -> tuple[dict | None, str | None]:
    """The generated column of ``output/jazz/metrics.json``, or why there is none."""
    if not path.is_file():
        return None, "no generated solo yet (output/jazz/metrics.json is written by 'make jazz')"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8"))["columns"]["generated"]), None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None, f"{path} could not be read; run 'make jazz' again"


def solo_rows(prepared: dict, section: Section) -> None:
    from assignments.jazz.solo import metrics
    from assignments.jazz.solo.generate import chunk_groups

    corpus = prepared["corpora"]["2021"]
    groups = chunk_groups(len(corpus.chord_groups))
    chord_notes = metrics.course_chord_notes(corpus.chord_groups, groups)  # what generate_music writes under the solo
    solo = metrics.read_solo_midi(prepared["course_solo"], chord_notes=chord_notes)  # the rest is melody
    found = sum(len(c.midis) for c in solo.chords)
    section.rows.append(Row(f"course_my_music.midi: the corpus's chord groups {groups[0]}-{groups[-1]} "
                            f"(onset, pitch, velocity) in it",
                            f"all {len(chord_notes)} chord notes", f"{found} of {len(chord_notes)} found",
                            found == len(chord_notes) > 0))
    course = metrics.solo_metrics(solo, metrics.from_corpus(corpus), solo)
    generated, missing = generated_metrics(OUTPUT_DIR / "jazz" / "metrics.json")
    for key in METRICS:
        section.rows.append(info(f"solo metric {key}: course solo | generated solo",
                                 _metric(course.get(key)), _metric((generated or {}).get(key))))
    section.notes.append("The solo metrics are information: expected is the course's own solo "
                         "(course_my_music.midi), got a generated one; both are samples, so they are shown side by "
                         "side, not compared"
                         + (f"; {missing}." if missing else " (generated: output/jazz/metrics.json)."))


def compare(prepared: dict, context) -> Section:
    section = Section(KEY, TITLE)
    for era, key in ERAS.items():
        section.rows += era_rows(era, prepared["corpora"][era], prepared["fixture"][key], prepared["midi"])
    solo_rows(prepared, section)
    section.notes.insert(0, (
        f"{FIXTURE}: the corpus recorded from the course's own preprocess.py, grammar.py and data_processing, "
        f"under music21 6.7.1 (era 2021, the current notebook: 90 values) and 5.5.0 (era 2018, the 2018-2020 "
        f"notebooks: 78 values); ours is rebuilt on music21 10. The printout rows are the notebooks' own print "
        f"lines (section 1.1 - Dataset), the parameter counts the models' 'Total params'."))
    return section
