"""``make data``: local copies, downloads (from a server on 127.0.0.1), checksum failures, optional files."""
from __future__ import annotations

import functools
import hashlib
import http.server
import re
import threading

import pytest

from shared import data as fetch
from shared.run.cli import run
from shared.run import UserError
from shared.paths import DATA_DIR


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture()
def served(tmp_path):
    """A static HTTP server on 127.0.0.1 serving ``tmp_path/www``; yields (folder, base_url)."""
    www = tmp_path / "www"
    www.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _dest_with_sums(tmp_path, files: dict[str, bytes]):
    dest = tmp_path / "data"
    dest.mkdir()
    (dest / "SHA256SUMS").write_text("".join(f"{hashlib.sha256(b).hexdigest()}  {n}\n" for n, b in files.items()))
    return dest


FILES = {"a.txt": b"aachenosaurus\nzuul", "b.mid": b"MThd\x00\x00\x00\x06" + bytes(range(50))}


def test_copies_from_local_source_then_skips_when_present(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name, blob in FILES.items():
        (src / name).write_bytes(blob)
    dest = _dest_with_sums(tmp_path, FILES)
    assert fetch.fetch_all(dest, src, quiet=True) == {"a.txt": "copied", "b.mid": "copied"}
    assert all((dest / n).read_bytes() == b for n, b in FILES.items())
    assert fetch.fetch_all(dest, src, quiet=True) == {"a.txt": "present", "b.mid": "present"}


def test_downloads_when_no_local_copy(tmp_path, served):
    www, url = served
    for name, blob in FILES.items():
        (www / name).write_bytes(blob)
    dest = _dest_with_sums(tmp_path, FILES)
    report = fetch.fetch_all(dest, tmp_path / "no-such-dir", base_url=url, quiet=True)
    assert report == {"a.txt": "downloaded", "b.mid": "downloaded"}
    assert all((dest / n).read_bytes() == b for n, b in FILES.items())


def test_checksum_mismatch_leaves_nothing(tmp_path, served):
    www, url = served
    (www / "a.txt").write_bytes(b"tampered")
    dest = _dest_with_sums(tmp_path, {"a.txt": FILES["a.txt"]})
    with pytest.raises(UserError, match=r"checksum mismatch for a\.txt"):
        fetch.fetch_all(dest, None, base_url=url, quiet=True)
    assert sorted(p.name for p in dest.iterdir()) == ["SHA256SUMS"]


def test_unreachable_source_is_one_line_error(tmp_path, served, capsys):
    _, url = served  # serves nothing: 404
    dest = _dest_with_sums(tmp_path, {"a.txt": FILES["a.txt"]})
    code = run(fetch.main, ["--source", str(tmp_path / "none"), "--base-url", url, "--dest", str(dest)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: cannot download") and err.count("\n") == 1
    assert "DATA_DIR" in err and "DATA_BASE_URL" in err
    assert sorted(p.name for p in dest.iterdir()) == ["SHA256SUMS"]


def test_optional_file_may_be_missing(tmp_path, served, monkeypatch, capsys):
    www, url = served
    (www / "a.txt").write_bytes(FILES["a.txt"])
    monkeypatch.setattr(fetch, "OPTIONAL", {"b.mid"})
    dest = _dest_with_sums(tmp_path, FILES)
    assert fetch.fetch_all(dest, None, base_url=url) == {"a.txt": "downloaded", "b.mid": "missing"}
    assert "note: optional b.mid not fetched" in capsys.readouterr().err


def test_committed_checksums_match_the_data_readme():
    sums = fetch.read_checksums(DATA_DIR / "SHA256SUMS")
    assert set(sums) == set(fetch.SOURCES)
    readme = (DATA_DIR / "README.md").read_text()
    for name, digest in sums.items():
        assert re.search(rf"\|\s*`{re.escape(name)}`\s*\|\s*\d+\s*\|\s*{digest}\s*\|", readme), name


@pytest.mark.parametrize("content, message", [
    (None, "checksum list not found"),
    (b"", "checksum list is empty"),
    (b"\xff\xfe\x00binary", "checksum list is not text"),
    (b"abc dinos.txt\n", "line 1 is not '<sha256>  <name>'"),
    (b"a" * 64 + b"\n", "line 1 is not"),
])
def test_broken_checksum_list_is_one_line_error(tmp_path, content, message, capsys):
    dest = tmp_path / "data"
    dest.mkdir()
    if content is not None:
        (dest / "SHA256SUMS").write_bytes(content)
    assert run(fetch.main, ["--dest", str(dest), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_prints_where_it_wrote(tmp_path, served, capsys, monkeypatch):
    www, url = served
    for name, blob in FILES.items():
        (www / name).write_bytes(blob)
    dest = _dest_with_sums(tmp_path, FILES)
    monkeypatch.chdir(tmp_path)
    assert run(fetch.main, ["--base-url", url, "--dest", str(dest)]) == 0
    assert capsys.readouterr().out.splitlines() == ["data/a.txt: downloaded", "data/b.mid: downloaded"]
    monkeypatch.chdir(dest)
    assert run(fetch.main, ["--base-url", url, "--dest", str(dest)]) == 0
    assert capsys.readouterr().out.splitlines() == ["a.txt: present", "b.mid: present"]


def test_data_folder_files_verify(data_dir):
    sums = fetch.read_checksums(data_dir / "SHA256SUMS")
    for name in ("dinos.txt", "shakespeare.txt", "original_metheny.mid"):
        assert hashlib.sha256((data_dir / name).read_bytes()).hexdigest() == sums[name]


def test_a_changed_course_file_is_refused_in_one_line(tmp_path, capsys):
    dest = _dest_with_sums(tmp_path, {"dinos.txt": b"aachenosaurus\nzuul\n"})
    names = dest / "dinos.txt"
    names.write_bytes(b"aachenosaurus\nzuul\n")
    assert fetch.verify_course_file(names, dest) == names
    names.write_bytes(b"aachenosaurus\nzuum\n")  # one byte changed

    def main(argv):
        fetch.verify_course_file(names, dest)

    assert run(main, []) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: course file {names} was changed or damaged") and err.count("\n") == 1
    assert "run 'make data' to restore it" in err and "copy it outside" in err
    names.unlink()
    with pytest.raises(UserError, match="course file not found"):
        fetch.verify_course_file(names, dest)


def test_a_users_own_file_is_not_checked(tmp_path):
    dest = _dest_with_sums(tmp_path, {"dinos.txt": b"aachenosaurus\n"})
    own = tmp_path / "dinos.txt"  # same name, outside the data folder
    own.write_bytes(b"my own names\n")
    other = dest / "my_names.txt"  # inside it, but not a course file
    other.write_bytes(b"x\n")
    assert fetch.verify_course_file(own, dest) == own and fetch.verify_course_file(other, dest) == other


def test_the_repos_course_files_verify(data_dir):
    for name in ("dinos.txt", "shakespeare.txt", "original_metheny.mid"):
        assert fetch.verify_course_file(data_dir / name) == data_dir / name


def test_make_data_restores_a_changed_file(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_bytes(FILES["a.txt"])
    dest = _dest_with_sums(tmp_path, {"a.txt": FILES["a.txt"]})
    (dest / "a.txt").write_bytes(FILES["a.txt"][:-1] + b"!")  # what the error message says to fix this way
    assert fetch.fetch_all(dest, src, quiet=True) == {"a.txt": "copied"}
    assert fetch.verify_course_file(dest / "a.txt", dest) == dest / "a.txt"
