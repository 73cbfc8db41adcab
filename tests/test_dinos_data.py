"""The user's own names files: any UTF-8 text, the vocabulary from the data, counts, a restricted alphabet, bad files."""
from __future__ import annotations

import json

import numpy as np
import pytest

from assignments.dinos.__main__ import main
from assignments.dinos.data import load_names, split_names
from assignments.dinos.names import parse_alphabet, parse_names
from shared.run.cli import run
from shared.run import UserError

POKEMON = "\ufeffAutumn Bulbasaur\r\nHo-Oh\r\nFarfetch'd\r\n\r\nFlabébé\r\nMr. Mime\r\nNidoran♀\r\nNidoran♂\r\n" \
          "Type: Null\r\nZygarde 10%\r\nPorygon2\r\nho-oh\r\n   \r\n"


def test_any_utf8_text_bom_crlf_case_and_duplicates():
    data = parse_names(POKEMON, "pokemon.txt")
    assert data.names == ("autumn bulbasaur", "ho-oh", "farfetch'd", "flabébé", "mr. mime", "nidoran♀", "nidoran♂",
                          "type: null", "zygarde 10%", "porygon2", "ho-oh")
    s = data.stats
    assert (s.lines, s.names, s.unique, s.duplicates, s.blank, s.bom, s.crlf) == (13, 11, 10, 1, 2, True, True)
    # the course's construction: sorted set of the characters, '\n' first
    assert data.chars == ["\n"] + sorted(set("".join(data.names)))
    assert data.chars[:4] == ["\n", " ", "%", "'"] and "é" in data.chars and "♂" in data.chars
    assert data.char_to_ix["\n"] == 0 and len(data.char_to_ix) == data.vocab_size == len(data.chars)
    assert [data.name(i) for i in range(len(data))] == list(data.names)
    assert data.encoded(1).tolist() == [data.char_to_ix[c] for c in "ho-oh"]
    line = data.reading_summary()
    assert "11 names, 10 unique, 1 duplicate, 2 blank lines skipped" in line and "byte-order mark removed" in line
    assert f"vocabulary {data.vocab_size} characters" in line
    kept = parse_names(POKEMON, keep_case=True)
    assert kept.names[0] == "Autumn Bulbasaur" and kept.stats.unique == 11  # "Ho-Oh" and "ho-oh" differ
    assert "A" in kept.chars


def test_a_restricted_alphabet_counts_every_offending_line_in_one_pass():
    with pytest.raises(UserError) as info:
        parse_names(POKEMON, "pokemon.txt", alphabet="a-z")
    message = str(info.value)
    assert "\n" not in message and "11 lines with characters outside --alphabet a-z" in message
    assert "line 1 ('autumn bulbasaur': ' ')" in message and "line 2 ('ho-oh': '-')" in message
    assert "line 5 ('flabébé': 'é')" in message
    assert "and 6 more" in message and "--drop-invalid" in message  # 5 shown, the other 6 counted
    with pytest.raises(UserError, match=r"has no names \(all 11 non-blank lines were dropped by --alphabet a-z\)"):
        parse_names(POKEMON, "pokemon.txt", alphabet="a-z", drop_invalid=True)


def test_drop_invalid_keeps_the_rest_and_a_wider_alphabet_passes():
    data = parse_names(POKEMON, alphabet="a-z0-9 '-", drop_invalid=True)
    assert data.names == ("autumn bulbasaur", "ho-oh", "farfetch'd", "porygon2", "ho-oh")
    assert data.stats.dropped == 6 and [ln for ln, _, _ in data.stats.dropped_shown] == [5, 6, 7, 8, 9]
    assert data.chars == ["\n", " ", "'", "-", "2", "a", "b", "c", "d", "e", "f", "g", "h", "l", "m", "n", "o", "p",
                          "r", "s", "t", "u", "y"]
    assert parse_alphabet("a-c-") == frozenset("abc-\n")
    with pytest.raises(UserError, match="backwards"):
        parse_alphabet("z-a")


def test_empty_blank_and_non_utf8_files_are_one_line(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"\r\n  \n\t\n")
    (tmp_path / "bom.txt").write_bytes("\ufeff\n".encode())
    (tmp_path / "latin1.txt").write_bytes("Tyrannosaurus\nAl\xe9\n".encode("latin-1"))
    with pytest.raises(UserError, match="empty"):
        load_names(tmp_path / "empty.txt")
    with pytest.raises(UserError, match="names file is empty"):  # blank lines only
        load_names(tmp_path / "blank.txt")
    with pytest.raises(UserError, match=r"has no names \(3 blank lines only\)"):
        parse_names("\r\n  \n\t\n")
    with pytest.raises(UserError, match="has no names"):
        load_names(tmp_path / "bom.txt")
    with pytest.raises(UserError, match=r"not UTF-8 text: .*latin1.txt \(byte 0xe9 at offset 16, line 2\)"):
        load_names(tmp_path / "latin1.txt")
    with pytest.raises(UserError, match="a folder"):
        load_names(tmp_path)


def test_the_course_file_is_the_course_vocabulary(data_dir):
    data = load_names(data_dir / "dinos.txt")
    assert data.course and data.vocab_size == 27 and data.codes.dtype == np.uint8
    assert data.summary() == "There are 19909 total characters and 27 unique characters in your data."
    assert (data.stats.names, data.stats.unique) == (1536, 1524)
    # the compact store is a sequence of the course's names: data.split("\n") without the blank lines
    course_names = [x.strip() for x in data.text.split("\n") if x.strip()]
    assert list(data) == course_names and [data[i] for i in range(len(data))] == course_names
    train, held = split_names(data.names)
    assert len(train) + len(held) == 1524


def test_the_course_model_trains_the_same_on_the_store_and_on_the_list(data_dir):
    """course.model takes the store as it takes the notebook's data.split("\\n"): the same shuffle, the same bits."""
    from assignments.dinos import fast

    data = load_names(data_dir / "dinos.txt")
    quiet = dict(out=lambda *_: None, seed=3)
    from_store, _ = fast.model(data, data.ix_to_char, data.char_to_ix, 1600, **quiet)
    from_list, _ = fast.model(data.text.split("\n"), data.ix_to_char, data.char_to_ix, 1600, **quiet)
    assert all(np.array_equal(from_store[k], from_list[k]) for k in from_list)


def test_chunked_reading_of_a_long_file_matches_a_line_by_line_reading(monkeypatch):
    from assignments.dinos import names as names_module

    monkeypatch.setattr(names_module, "_CHUNK", 7)  # many pieces: the boundaries must not matter
    text = "".join(f"Name{i % 13}x{'é' * (i % 3)}\n" + ("\n" if i % 5 == 0 else "") for i in range(200))
    data = parse_names(text)
    expected = [line.strip().lower() for line in text.split("\n") if line.strip()]
    assert list(data.names) == expected and data.stats.unique == len(set(expected))
    assert data.stats.blank == 40 and data.stats.lines == 240
    with pytest.raises(UserError, match="200 lines with characters outside --alphabet a-z"):
        parse_names(text, alphabet="a-z")
    wide = parse_names("".join(chr(0x4E00 + i) + "\n" for i in range(300)))  # > 256 characters: uint16
    assert wide.codes.dtype == np.uint16 and wide.name(299) == chr(0x4E00 + 299)


def test_cli_run_on_an_own_file_uses_its_vocabulary_and_neutral_words(tmp_path, capsys):
    names = tmp_path / "pokemon.txt"
    names.write_text(POKEMON, encoding="utf-8")
    out = tmp_path / "out"
    assert run(main, ["--data", str(names), "--iterations", "60", "--sample-every", "30", "--samples", "12",
                      "--quiet", "--out", str(out)]) == 0
    data = parse_names(POKEMON)
    params = np.load(out / "parameters.npz")
    assert list(params["chars"]) == data.chars and params["Wax"].shape == (50, data.vocab_size)
    assert params["Wya"].shape == (data.vocab_size, 50)
    lines = (out / "names.txt").read_text(encoding="utf-8").splitlines()
    assert "trained on pokemon.txt" in lines[0]
    assert all(line.endswith(("in training data", "new", "empty")) for line in lines[2:])
    assert "dinosaur" not in "".join(lines)
    for line in lines[2:]:
        name, label = (part.strip() for part in line.rsplit("  ", 1))
        assert (name == "(empty)") == (label == "empty")  # an empty name is never counted as new
        assert name == "(empty)" or set(name.lower()) <= set(data.chars)  # names from the file's own vocabulary
    empty = sum(line.endswith("empty") for line in lines[2:])
    assert empty and f"empty {empty};" in lines[1]  # this tiny model draws some, counted apart
    card = json.loads((out / "run_card.json").read_text(encoding="utf-8"))
    assert card["results"]["data"]["vocab_size"] == data.vocab_size and card["results"]["data"]["duplicates"] == 1
    assert card["results"]["data"]["chars"] == data.chars and card["settings"]["data"].endswith("pokemon.txt")


def test_plot_title_names_the_file(tmp_path, monkeypatch):
    from shared.run.drawing import Drawing

    titles = []
    monkeypatch.setattr(Drawing, "draw", lambda self, function, path, curves, title, *a: (
        titles.append(title), path.write_bytes(b"png")))
    names = tmp_path / "cities.txt"
    names.write_text("Ouagadougou\nSão Paulo\nWien\n", encoding="utf-8")
    assert run(main, ["--data", str(names), "--iterations", "10", "--samples", "2", "--quiet",
                      "--out", str(tmp_path / "out")]) == 0
    assert titles == ["cities.txt, numpy RNN (n_a=50)"]


def test_reading_summary_line_is_printed(tmp_path, capsys):
    names = tmp_path / "first.txt"
    names.write_text("Anna\nBob\nanna\n\nÉmile\n", encoding="utf-8")
    assert run(main, ["--data", str(names), "--iterations", "5", "--samples", "2", "--out", str(tmp_path / "o")]) == 0
    printed = capsys.readouterr().out
    assert "Read " in printed and "first.txt: 4 names, 3 unique, 1 duplicate, 1 blank line skipped" in printed
    assert "vocabulary 10 characters: \\n a b e i l-o é" in printed  # 'é' is a character of its own


def test_a_changed_course_file_is_refused_before_any_work(tmp_path, capsys, monkeypatch, data_dir):
    """The run verifies the course's dinos.txt against SHA256SUMS (here a copy of data/ with one byte changed)."""
    import functools

    from assignments.dinos import __main__ as app, data as data_module
    from shared.data import verify_course_file

    course = tmp_path / "data"
    course.mkdir()
    (course / "SHA256SUMS").write_bytes((data_dir / "SHA256SUMS").read_bytes())
    text = bytearray((data_dir / "dinos.txt").read_bytes())
    text[5] = ord("x") if text[5] != ord("x") else ord("y")
    (course / "dinos.txt").write_bytes(bytes(text))
    monkeypatch.setattr(app, "verify_course_file", functools.partial(verify_course_file, data_dir=course))
    monkeypatch.setattr(data_module, "COURSE_FILE", course / "dinos.txt")
    out = tmp_path / "out"
    assert run(main, ["--data", str(course / "dinos.txt"), "--iterations", "5", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "was changed or damaged" in err and "make data" in err and not out.exists()
    own = tmp_path / "dinos.txt"  # the same bytes outside data/: the user's own file, not checked
    own.write_bytes(bytes(text))
    assert run(main, ["--data", str(own), "--iterations", "5", "--samples", "2", "--quiet", "--out", str(out)]) == 0


def test_names_are_read_as_nfc_and_the_vocabulary_line_is_unambiguous():
    """A decomposed 'é' (e + U+0301) is one character; 'İ' lower-cases to 'i' (not 'i' + U+0307); a space is '␣'."""
    data = parse_names("Flabe\u0301be\u0301\nİstanbul\nMr. Mime\nFarfetch'd\n")
    assert data.names == ("flabébé", "istanbul", "mr. mime", "farfetch'd")
    assert "\u0301" not in data.chars and "\u0307" not in data.chars and data.stats.nfc
    summary = data.reading_summary()
    assert "vocabulary 20 characters: \\n ␣ ' . a-f h i l-n r-u é (␣ = space)" in summary
    assert "normalised to Unicode NFC" in summary
    assert not parse_names("Flabébé\n").stats.nfc  # already NFC: nothing said
    assert parse_names("İstanbul\n", keep_case=True).names == ("İstanbul",)
