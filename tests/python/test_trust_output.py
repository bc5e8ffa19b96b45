"""Issue 12, "Files and folders": the output writer cannot hurt the user.

No input value becomes a path component unescaped; nothing is written outside --out; folders
salescomp did not write, the input folder and the current directory are never replaced;
publishing is atomic whatever signal or crash hits the process (real processes are killed).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from salescomp import _output

# -- helpers (the only places that call the CLI / build inputs) -------------------------------

def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path -> sha256); folders end in '/'."""
    out = {}
    for root, dirs, files in os.walk(folder):
        rel = Path(root).relative_to(folder)
        for d in dirs:
            out[(rel / d).as_posix() + "/"] = ""
        for f in files:
            out[(rel / f).as_posix()] = hashlib.sha256((Path(root) / f).read_bytes()).hexdigest()
    return out


def temporaries(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def cli_main(*argv: str) -> int:
    from salescomp import cli

    return cli.main(list(argv))


def salescomp_process(*argv: str, cwd: Path | None = None) -> subprocess.Popen:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return subprocess.Popen([sys.executable, "-m", "salescomp.cli", *argv], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def rename_person(folder: Path, old: str, new: str) -> None:
    """Rename a person id in every input table (whole CSV fields only) and in config.json."""
    for path in folder.glob("*.csv"):
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        rows = [[new if cell == old else cell for cell in row] for row in rows]
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    for entry in config.get("mbo", []):
        if entry["person"] == old:
            entry["person"] = new
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")


@pytest.fixture(scope="module")
def demo_inputs(tmp_path_factory):
    pytest.importorskip("pyarrow")
    folder = tmp_path_factory.mktemp("inputs") / "northwind"
    assert cli_main("demo", "--inputs", str(folder), "--inputs-only") == 0
    return folder


def run_args(inputs: Path, out: Path | str, *extra: str) -> list[str]:
    return ["run", str(inputs), "--out", str(out), "--no-progress", "--no-html", "--format", "csv", *extra]


# -- file names -------------------------------------------------------------------------------

def test_file_names_escape_every_input_value():
    # the examples of docs/analyst.md
    assert _output.file_name("ae_east_1", ".txt") == "ae_east_1.txt"
    assert _output.file_name("AE-7", ".txt") == "+a+e-7.txt"
    assert _output.file_name("../../x", ".txt") == "%2e.%2f..%2fx.txt"
    assert _output.file_name("/etc/passwd", ".txt") == "%2fetc%2fpasswd.txt"
    assert _output.file_name("José", ".txt") == "+jos%c3%a9.txt"
    assert _output.file_name("con") == "%63on" and _output.file_name("nul.x") == "%6eul.x"
    assert _output.file_name("") == "%" and _output.file_name(".") == "%2e" and _output.file_name("..") == "%2e."
    long = _output.file_name("x" * 300)
    assert len(long) == 160 + 1 + 32 and long.startswith("x" * 160 + "~")
    assert _output.file_name("x" * 300) != _output.file_name("x" * 301)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=40), min_size=2, max_size=8, unique=True))
def test_file_names_are_safe_and_one_to_one_even_ignoring_case(ids):
    names = [_output.file_name(i, ".txt") for i in ids]
    for name in names:
        assert "/" not in name and "\\" not in name and "\0" not in name and not name.startswith(".")
        assert name.isascii() and len(name.encode()) <= 255
    assert len({n.casefold() for n in names}) == len(ids)


def test_a_person_id_never_escapes_the_output_folder(demo_inputs, tmp_path):
    pytest.importorskip("matplotlib")
    folder = tmp_path / "in"
    folder.mkdir()
    for f in demo_inputs.iterdir():
        if f.is_file():
            (folder / f.name).write_bytes(f.read_bytes())
    victim = tmp_path / "victim"  # where "../../victim" and the absolute id would land unescaped
    rename_person(folder, "revops", "../../victim")
    rename_person(folder, "sdr_1", str(tmp_path / "absolute"))
    out = tmp_path / "work" / "out"
    assert cli_main(*run_args(folder, out)) == 0
    assert not victim.exists() and not (tmp_path / "absolute").exists() and not (tmp_path / "absolute.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "work"]
    files = {p.name for p in (out / "statements").iterdir()}
    assert "%2e.%2f..%2fvictim.txt" in files and _output.file_name(str(tmp_path / "absolute"), ".txt") in files
    with open(out / "statements" / "index.csv", newline="", encoding="utf-8") as f:
        index = {r["person_id"]: r["file"] for r in csv.DictReader(f)}
    assert index["../../victim"] == "%2e.%2f..%2fvictim.txt"
    assert (out / "statements" / index["../../victim"]).read_text(encoding="utf-8").startswith("../../victim ")
    assert set(index.values()) | {"index.csv"} == files


# -- refusals ---------------------------------------------------------------------------------

def test_out_naming_the_input_folder_is_refused_even_with_force(demo_inputs, tmp_path, capsys):
    before = snapshot(demo_inputs)
    for extra in ((), ("--force",)):
        assert cli_main(*run_args(demo_inputs, demo_inputs, *extra)) == 2
        assert "is the input folder" in capsys.readouterr().err
        assert cli_main(*run_args(demo_inputs, demo_inputs.parent, *extra)) == 2  # contains it
        assert "contains the input folder" in capsys.readouterr().err
    assert snapshot(demo_inputs) == before


def test_out_naming_the_current_directory_is_refused(demo_inputs, tmp_path, monkeypatch, capsys):
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    (work / "notes.txt").write_text("mine")
    before = snapshot(work)
    monkeypatch.chdir(work / "sub")
    for out in (".", "", "..", str(work)):
        for extra in ((), ("--force",)):
            assert cli_main(*run_args(demo_inputs, out, *extra)) == 2
            assert "current directory" in capsys.readouterr().err
    assert snapshot(work) == before
    assert cli_main("demo", "--inputs", ".", "--inputs-only") == 2
    assert snapshot(work) == before


def test_a_non_empty_folder_salescomp_did_not_write_needs_force(demo_inputs, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work")
    (out / "empty_dir").mkdir()
    assert cli_main(*run_args(demo_inputs, out)) == 2
    err = capsys.readouterr().err
    assert "salescomp did not write" in err and "--force" in err and "nothing was written" in err
    assert sorted(p.name for p in out.iterdir()) == ["empty_dir", "thesis.docx"]
    assert temporaries(tmp_path) == []
    # --force replaces it
    assert cli_main(*run_args(demo_inputs, out, "--force")) == 0
    assert not (out / "thesis.docx").exists() and (out / "payouts.csv").exists()
    manifest = json.loads((out / _output.MARKER).read_text())
    assert manifest["created_by"] == "salescomp" and "payouts.csv" in manifest["files"]
    assert set(manifest["files"]) == set(snapshot(out)) - {_output.MARKER}
    # salescomp's own folder is replaced without --force ...
    assert cli_main(*run_args(demo_inputs, out)) == 0
    # ... unless someone put a file of their own into it
    (out / "statements" / "my-notes.txt").write_text("keep me")
    assert cli_main(*run_args(demo_inputs, out)) == 2
    assert "statements/my-notes.txt" in capsys.readouterr().err
    assert (out / "statements" / "my-notes.txt").read_text() == "keep me"
    # an empty folder is simply used
    (tmp_path / "empty").mkdir()
    assert cli_main(*run_args(demo_inputs, tmp_path / "empty")) == 0


def test_a_symlink_as_out_is_refused_and_its_target_untouched(demo_inputs, tmp_path, capsys):
    real = tmp_path / "real"
    assert cli_main(*run_args(demo_inputs, real)) == 0
    before = snapshot(real)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    for extra in ((), ("--force",)):
        assert cli_main(*run_args(demo_inputs, link, *extra)) == 2
        assert "symbolic link" in capsys.readouterr().err
    assert link.is_symlink() and snapshot(real) == before
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    assert cli_main(*run_args(demo_inputs, dangling)) == 2
    assert not (tmp_path / "nowhere").exists()


def test_a_file_as_out_is_refused(tmp_path):
    (tmp_path / "out").write_text("x")
    with pytest.raises(FileExistsError, match="not a directory"):
        with _output.atomic_directory(tmp_path / "out"):
            pass
    assert (tmp_path / "out").read_text() == "x"


# -- stale temporaries and the fallback publish -------------------------------------------------

def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_stale_temporaries_are_removed_and_live_ones_kept(tmp_path):
    target = tmp_path / "out"
    with _output.atomic_directory(target) as tmp:
        (tmp / "a.txt").write_text("1")
    stale = tmp_path / f".out.tmp-{dead_pid()}-0123abcd"
    (stale / "statements").mkdir(parents=True)
    live = tmp_path / f".out.tmp-{os.getppid()}-0123abcd"  # our parent is alive
    live.mkdir()
    unrelated = tmp_path / ".out.tmp-notes"
    unrelated.mkdir()
    with _output.atomic_directory(target) as tmp:
        (tmp / "b.txt").write_text("2")
    assert not stale.exists() and live.exists() and unrelated.exists()
    assert sorted(p.name for p in target.iterdir()) == [_output.MARKER, "b.txt"]


def test_without_an_atomic_exchange_a_crash_between_the_renames_is_repaired(tmp_path, monkeypatch):
    target = tmp_path / "out"
    with _output.atomic_directory(target) as tmp:
        (tmp / "a.txt").write_text("old")
    # what the fallback leaves when killed between its two renames: the old folder aside
    pid = dead_pid()
    os.rename(target, tmp_path / f".out.old-{pid}-0123abcd")
    (tmp_path / f".out.tmp-{pid}-89abcdef").mkdir()
    assert _output.clean_stale(target) == [tmp_path / f".out.tmp-{pid}-89abcdef"]
    assert (target / "a.txt").read_text() == "old" and temporaries(tmp_path) == []
    # and the fallback itself replaces the folder
    monkeypatch.setattr(_output, "_exchange", lambda a, b: False)
    with _output.atomic_directory(target) as tmp:
        (tmp / "a.txt").write_text("new")
    assert (target / "a.txt").read_text() == "new" and temporaries(tmp_path) == []


# -- crashes at every step of publishing ----------------------------------------------------------

CRASH_CHILD = r"""
import os, shutil, signal, sys
from pathlib import Path
from salescomp import _output

target, crash_at, exchange = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
calls = 0

def crash_point(fn):
    def wrapped(*args, **kwargs):
        global calls
        calls += 1
        if calls == crash_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return fn(*args, **kwargs)
    return wrapped

for name in ("_fsync_file", "_fsync_dir", "_write_manifest"):
    setattr(_output, name, crash_point(getattr(_output, name)))
_output._exchange = crash_point(_output._exchange if exchange else (lambda a, b: False))
os.rename = crash_point(os.rename)
shutil.rmtree = crash_point(shutil.rmtree)
with _output.atomic_directory(target) as tmp:
    for i in range(3):
        (tmp / f"f{i}.txt").write_text("new")
    (tmp / "sub").mkdir()
    (tmp / "sub" / "g.txt").write_text("new")
"""


def complete_state(target: Path) -> str:
    """'old' or 'new' when ``target`` is one complete folder, else a description of the damage."""
    if not target.is_dir():
        return "missing"
    snap = snapshot(target)
    manifest = json.loads((target / _output.MARKER).read_text())
    if set(manifest["files"]) != set(snap) - {_output.MARKER}:
        return f"partial: {sorted(snap)}"
    contents = {(target / f).read_text() for f in snap if not f.endswith("/") and f != _output.MARKER}
    return contents.pop() if len(contents) == 1 else f"mixed: {contents}"


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_a_kill_at_any_step_of_publishing_leaves_the_old_or_the_new_folder(tmp_path, exchange):
    target = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    seen = set()
    for crash_at in range(1, 60):
        if target.exists():
            import shutil

            shutil.rmtree(target)
        with _output.atomic_directory(target) as tmp:
            for i in range(3):
                (tmp / f"f{i}.txt").write_text("old")
            (tmp / "sub").mkdir()
            (tmp / "sub" / "g.txt").write_text("old")
        r = subprocess.run([sys.executable, "-c", CRASH_CHILD, str(target), str(crash_at), "1" if exchange else "0"],
                           env=env, capture_output=True, text=True)
        assert r.returncode in (0, -signal.SIGKILL), r.stderr
        _output.clean_stale(target)  # what the next run does first
        state = complete_state(target)
        assert state in ("old", "new"), (crash_at, state)
        assert temporaries(tmp_path) == [], crash_at
        seen.add(state)
        if r.returncode == 0:
            break
    else:
        pytest.fail("the child never finished")
    assert seen == {"old", "new"}


# -- real signals sent to real runs -----------------------------------------------------------------

def test_real_runs_killed_at_random_points_leave_the_previous_output_intact(demo_inputs, tmp_path):
    out = tmp_path / "out"
    # Before salescomp's main() runs, Python's own start-up handles the signals (a Ctrl-C there
    # prints Python's traceback): the kills start once the interpreter has imported salescomp.
    t0 = time.monotonic()
    assert salescomp_process("--version").wait() == 0
    startup = time.monotonic() - t0
    t0 = time.monotonic()
    reference_run = salescomp_process(*run_args(demo_inputs, out))
    assert reference_run.wait() == 0, reference_run.stderr.read().decode()
    duration = time.monotonic() - t0
    reference = snapshot(out)
    rng = random.Random(12)
    outcomes = []
    for i in range(12):
        sig = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL, signal.SIGHUP)[i % 4]
        # half the kills anywhere in the run, half in its last 40% (where the folder is written)
        delay = rng.uniform(1.5 * startup, duration) if i % 2 == 0 else rng.uniform(0.6 * duration, 1.1 * duration)
        p = salescomp_process(*run_args(demo_inputs, out))
        time.sleep(delay)
        p.send_signal(sig)
        code = p.wait()
        err = p.stderr.read().decode()
        assert "Traceback" not in err, err
        assert code in (0, -sig, 130), (sig, code, err)
        outcomes.append(code)
        # the previous output is intact: the same complete folder (the run is deterministic)
        assert snapshot(out) == reference, (sig, delay)
        if sig != signal.SIGKILL:  # the killed run removed its own temporary folder
            assert [t for t in temporaries(tmp_path) if f".tmp-{p.pid}-" in t] == [], (sig, delay)
    # the next run removes whatever a SIGKILL left behind
    assert cli_main(*run_args(demo_inputs, out)) == 0
    assert temporaries(tmp_path) == [] and snapshot(out) == reference
    assert any(c != 0 for c in outcomes)
