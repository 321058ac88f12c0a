"""Prompt files: ``prompts/<task>.md`` with a version line, a [system] and a [user] part, and $variables.

The rendered prompt's hash and the template's version go into provenance, so an eval run says exactly
which prompt produced it, and a cassette recorded with another prompt no longer matches.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

from pydantic import BaseModel

from ..errors import ConfigError
from ..paths import PROMPTS

DEFAULT_PROMPTS = PROMPTS
_VERSION = re.compile(r"^version:\s*(\S+)\s*$")
_PART = re.compile(r"^\[(system|user)\]\s*$", re.M)


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: str
    system: Template
    user: Template
    sha256: str

    def render(self, **variables: str) -> RenderedPrompt:
        try:
            system = self.system.substitute(variables)
            user = self.user.substitute(variables)
        except KeyError as exc:
            raise ConfigError(
                f"prompts/{self.name}.md uses ${exc.args[0]}, which the caller does not provide"
            ) from None
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        digest = hashlib.sha256(json.dumps(messages, ensure_ascii=False).encode()).hexdigest()
        return RenderedPrompt(self.name, self.version, messages, digest)


@dataclass(frozen=True)
class RenderedPrompt:
    name: str
    version: str
    messages: list[dict[str, str]]
    sha256: str


def load_prompt(name: str, folder: Path | None = None) -> PromptTemplate:
    path = (folder or DEFAULT_PROMPTS) / f"{name}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the prompt ({exc.strerror}); check --prompts") from None
    first, _, rest = text.partition("\n")
    version = _VERSION.match(first)
    if version is None:
        raise ConfigError(f"{path}: the first line must be 'version: <n>'")
    parts = _PART.split(rest)
    blocks = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    if set(blocks) != {"system", "user"}:
        raise ConfigError(f"{path}: needs a [system] and a [user] part")
    return PromptTemplate(
        name,
        version.group(1),
        Template(blocks["system"]),
        Template(blocks["user"]),
        hashlib.sha256(text.encode()).hexdigest(),
    )


@cache
def schema_json(model: type[BaseModel]) -> str:
    """A response model's JSON Schema, keys sorted (memoised: generating a schema costs ~4 ms, per call)."""
    return json.dumps(model.model_json_schema(), sort_keys=True)


@cache
def schema_hash(model: type[BaseModel]) -> str:
    """SHA-256 of a response model's JSON Schema."""
    return hashlib.sha256(schema_json(model).encode()).hexdigest()
