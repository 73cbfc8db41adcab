"""The committed reference data: present in the clone, unchanged, and as counted in its README."""
from __future__ import annotations

from shared.data import SOURCES, read_checksums
from shared.paths import DATA_DIR, REFERENCE_DIR


def test_course_solos_are_fetched_not_committed():
    """The course's generated solos are course files: fetched into data/ and checked by SHA256SUMS, not committed."""
    sums = read_checksums(DATA_DIR / "SHA256SUMS")
    assert {"course_my_music.midi", "course_v1.2_run_my_music.midi"} <= set(sums) <= set(SOURCES)
    assert not (REFERENCE_DIR / "outputs").exists()
    assert sorted(p.suffix for p in REFERENCE_DIR.iterdir()) == [".json", ".json", ".json", ".md"]


def test_reference_values_are_counted_as_documented(load_fixture):
    rnn, dinos, jazz = load_fixture("step_by_step.json"), load_fixture("dinos.json"), load_fixture("jazz_corpus.json")
    assert (len(rnn["cases"]), sum(len(c["expected"]) for c in rnn["cases"])) == (8, 89)
    assert (len(dinos["cases"]), sum(len(c["expected"]) for c in dinos["cases"])) == (6, 35)
    assert [c["iteration"] for c in dinos["model"]["checkpoints"]] == list(range(0, 14001, 2000))
    assert {era: (jazz[era]["corpus_len"], jazz[era]["n_values"]) for era in jazz} == {
        "music21_5.5.0": (193, 78), "music21_6.7.1": (275, 90)}


def test_reference_data_cites_nothing_outside_the_repo():
    for path in REFERENCE_DIR.rglob("*"):
        if path.suffix in (".json", ".md"):
            text = path.read_text()
            assert "../shared" not in text and "reference.md" not in text and "shared/data/" not in text, path
