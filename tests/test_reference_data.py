"""The committed reference data: present in the clone, unchanged, and as counted in its README."""
from __future__ import annotations

import hashlib
import re

from shared.paths import REFERENCE_DIR


def test_committed_solos_match_the_readme_checksums():
    readme = (REFERENCE_DIR / "README.md").read_text()
    listed = dict((name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (outputs/\S+)$", readme, re.M))
    assert sorted(listed) == sorted(f"outputs/{p.name}" for p in (REFERENCE_DIR / "outputs").iterdir())
    for name, digest in listed.items():
        assert hashlib.sha256((REFERENCE_DIR / name).read_bytes()).hexdigest() == digest, name


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
