"""``extractor extract`` as people run it: in a terminal with the progress bar, with settings that are wrong
(stopped once, exit 2), with secrets that must never be printed, with text that must never become markup."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.testserver import TestServer
from tests.batch_runs import report_corpus
from tests.conftest import DOCUMENTS

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])

EXTRACTOR = Path(sys.executable).with_name("extractor")


def _run_in_terminal(argv: list[str], cwd: Path, timeout: float = 60) -> tuple[int, str]:
    """Run a command on a pseudo-terminal (stdin, stdout and stderr), as a person's shell does."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of 100 columns
        os.chdir(cwd)
        os.environ.update({"COLUMNS": "100", "LINES": "30", "TERM": "xterm-256color"})
        os.execv(argv[0], argv)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")


def test_extract_in_a_terminal_draws_the_bar_writes_the_records_and_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "out" / "reports.jsonl"
    code, screen = _run_in_terminal([str(EXTRACTOR), "extract", str(DOCUMENTS), "-o", str(out)], tmp_path)
    assert code == 0, screen
    assert "Traceback" not in screen
    assert "━" in screen and "5/5" in screen  # the bar, drawn to its end
    assert "5 documents: 5 ok, 0 failed" in screen
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["doc_id"] for r in records) == sorted(p.stem for p in DOCUMENTS.glob("*.txt"))


@pytest.mark.parametrize("fault", ["401", "403", "404"])
def test_extract_an_endpoint_refusing_the_key_or_model_stops_the_run_once_with_exit_2(
    tmp_path: Path, fault: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = report_corpus(tmp_path / "in", 6)[0].parent
    out = tmp_path / "o.jsonl"
    with TestServer(faults=lambda n, body: fault) as server:
        args = ["--backend", "llm", "--base-url", server.base_url, "--model", "m", "--no-cache", "--workers", "2"]
        code = main(["extract", str(folder), "-o", str(out), "-q", *args])
        # stopped at the first refusal: what was in flight then (2 workers), nothing after
        assert server.requests <= 4
    assert code == 2
    err = capsys.readouterr().err
    setting = "--model" if fault == "404" else "OPENAI_API_KEY"
    assert err.count("error:") == 1 and setting in err
    assert out.read_text(encoding="utf-8") == ""  # no record blames the input files


@pytest.mark.parametrize(
    "flag",
    [["--prompts", "no-such-folder"], ["--prompts", "EMPTY"], ["--cache-dir", "A-FILE"]],
    ids=["prompts-missing", "prompts-empty", "cache-dir-is-a-file"],
)
def test_extract_a_bad_setting_stops_before_any_document_with_exit_2(
    tmp_path: Path, flag: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "EMPTY").mkdir()
    (tmp_path / "A-FILE").write_text("x")
    value = flag[1] if flag[1] == "no-such-folder" else str(tmp_path / flag[1])
    out = tmp_path / "o.jsonl"
    with TestServer() as server:
        args = ["--backend", "llm", "--base-url", server.base_url, "--model", "m", flag[0], value]
        code = main(["extract", str(DOCUMENTS), "-o", str(out), "-q", *args])
        assert server.requests == 0
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 1 and flag[0] in err
    assert not out.exists() or out.read_text(encoding="utf-8") == ""


def test_extract_never_prints_or_records_a_key_a_server_echoes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "sk-test-0123456789abcdefSECRET"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    folder = report_corpus(tmp_path / "in", 1)[0].parent
    out = tmp_path / "o.jsonl"
    with TestServer(faults=lambda n, body: "echo") as server:
        url = server.base_url.replace("http://", "http://alice:hunter2@")
        code = main(["extract", str(folder), "-o", str(out), "--backend", "llm", "--base-url", url, "--model", "m",
                     "--no-cache", "--timeout", "0.5"])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    written = out.read_text(encoding="utf-8") + err + Path(str(out) + ".log").read_text(encoding="utf-8")
    assert "Authorization" in written  # the server's message is kept, with the key masked
    for secret in (key, "SECRET", "hunter2", "alice:"):
        assert secret not in written
    assert "API call failed" not in err  # instructor's own retry lines stay in the log


def test_extract_model_text_is_never_markup_or_an_escape_sequence_on_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = report_corpus(tmp_path / "in", 1)[0].parent
    with TestServer(faults=lambda n, body: "hostile") as server:
        code = main(["extract", str(folder), "-o", str(tmp_path / "o.jsonl"), "--backend", "llm", "--base-url",
                     server.base_url, "--model", "m", "--no-cache"])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert "[link=https://evil.example]click[/link]" in err  # shown as the text it is
    assert "\x1b]8;;" not in err and "\x07" not in err  # never a live hyperlink


def test_extract_a_name_with_escape_sequences_is_shown_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "\x1b[31mred\x1b[0m.txt"
    bad.write_bytes(b"")
    assert main(["extract", str(bad), "-o", str(tmp_path / "o.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "\x1b[31m" not in err and "?[31mred?[0m.txt" in err


def test_extract_wall_time_covers_the_whole_command(tmp_path: Path) -> None:
    started = time.monotonic()
    proc = subprocess.run(
        [str(EXTRACTOR), "extract", str(DOCUMENTS), "-o", str(tmp_path / "o.jsonl")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    total = time.monotonic() - started
    reported = float(proc.stderr.rsplit(";", 1)[1].strip().removesuffix(" s"))
    assert 0.5 * total <= reported <= total  # start-up included, not only the documents


def test_extract_wall_time_is_the_commands_own_when_a_shell_execs_it_last(tmp_path: Path) -> None:
    """``a && extractor …``: the shell execs the last command in its own process, started before ``a``."""
    command = f"sleep 2 && {EXTRACTOR} extract {DOCUMENTS} -o {tmp_path / 'o.jsonl'}"
    proc = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60)
    reported = float(proc.stderr.rsplit(";", 1)[1].strip().removesuffix(" s"))
    assert proc.returncode == 0 and reported < 2


def test_extract_a_bug_on_one_document_is_logged_with_its_traceback_and_the_batch_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected exception is ours, not the file's: the record says so and where the traceback is, the other
    documents are extracted, and a re-run tries the document again."""
    import extractor.pipeline as pipeline

    real = pipeline.extract_document

    def broken(doc, doc_id, *args, **kwargs):  # type: ignore[no-untyped-def]
        if doc_id == "001_8f8da80f034e246c":
            raise KeyError("boom")
        return real(doc, doc_id, *args, **kwargs)

    monkeypatch.setattr(pipeline, "extract_document", broken)
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(DOCUMENTS), "-o", str(out), "--jobs", "1"]) == 1
    records = {r["doc_id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert len(records) == 5 and sum("error" in r for r in records.values()) == 1
    error = records["001_8f8da80f034e246c"]["error"]
    log = Path(f"{out}.log")
    assert error["retry"] is True and "internal error (KeyError: 'boom')" in error["message"]
    assert str(log) in error["message"] and "please report it" in error["message"]
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "KeyError: 'boom'" in text and "001_8f8da80f034e246c" in text
    assert "Traceback" not in capsys.readouterr().err  # the terminal gets the message, the log the traceback
    monkeypatch.setattr(pipeline, "extract_document", real)
    assert main(["extract", str(DOCUMENTS), "-o", str(out), "-q"]) == 0  # the re-run redoes it
    assert "error" not in json.loads(out.read_text(encoding="utf-8").splitlines()[-1])
