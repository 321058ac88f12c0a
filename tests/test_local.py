"""The optional local model server's start-up, without the model: what a user is told when it cannot run."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from extractor.errors import ConfigError
from extractor.llm import local


@pytest.mark.parametrize(
    ("dies_by", "hint"),
    [("os.kill(os.getpid(), signal.SIGILL)", True), ("sys.exit(3)", False)],
    ids=["illegal-instruction", "exit-3"],
)
def test_local_start_says_why_the_server_died_and_how_to_rebuild_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dies_by: str, hint: bool
) -> None:
    """llama.cpp built for instructions a VM hides dies of SIGILL at once: the message names the rebuild."""
    monkeypatch.setenv("EXTRACTOR_CACHE", str(tmp_path))
    monkeypatch.setattr(local, "status", lambda: None)
    monkeypatch.setattr(local, "assemble", lambda: tmp_path / "model.gguf")
    monkeypatch.setattr(local, "_ready", lambda port: False)
    monkeypatch.setitem(sys.modules, "llama_cpp.server", types.ModuleType("llama_cpp.server"))  # the [local] extra
    real_popen = subprocess.Popen

    def server(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        assert args[1:3] == ["-m", "llama_cpp.server"]
        return real_popen([sys.executable, "-c", f"import os, signal, sys; {dies_by}"], **kwargs)

    monkeypatch.setattr(subprocess, "Popen", server)
    with pytest.raises(ConfigError) as raised:
        local.start(wait_s=30)
    message = str(raised.value)
    assert "the local model server exited" in message and str(tmp_path / "local-model.log") in message
    assert ("GGML_NATIVE=OFF" in message) is hint
