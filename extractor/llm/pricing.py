"""What model calls cost: a price table (per model, per million tokens, with a batch multiplier) read from
an editable TOML file, bundled examples first and the user's own entries over them.

A cost is an estimate from the tokens the endpoint reported (and, for an answer abandoned at the timeout, the
tokens it may have generated): the provider's invoice is the truth.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..paths import PACKAGE

BUNDLED = PACKAGE / "prices.toml"
_SYMBOLS = {"USD": "$", "CNY": "¥", "EUR": "€"}


@dataclass(frozen=True, slots=True)
class Price:
    model: str
    input: float  # per million prompt tokens
    output: float  # per million completion tokens
    batch: float = 1.0  # multiplier for answers from a provider batch
    currency: str = "USD"
    source: str = ""  # the file the entry came from

    def cost(self, prompt_tokens: int, completion_tokens: int, batched: bool = False) -> float:
        amount = (prompt_tokens * self.input + completion_tokens * self.output) / 1e6
        return amount * self.batch if batched else amount


def user_table() -> Path:
    """$EXTRACTOR_PRICES, else ~/.config/extractor/prices.toml (XDG_CONFIG_HOME honoured)."""
    if os.environ.get("EXTRACTOR_PRICES"):
        return Path(os.environ["EXTRACTOR_PRICES"])
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "extractor" / "prices.toml"


def _number(path: Path, name: str, entry: dict[str, object], key: str, default: float | None = None) -> float:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(
            f'{path}: [models."{name}"] needs {key} = a non-negative number (price per million tokens)'
            if key != "batch"
            else f'{path}: [models."{name}"] batch must be a non-negative multiplier such as 0.5'
        )
    return float(value)


def read_table(path: Path) -> dict[str, Price]:
    """The entries of one price file; a ConfigError naming the file and the fix when it is not one."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the price table ({exc.strerror}); check --prices") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a TOML price table ({exc}); see {BUNDLED} for the format") from None
    models = data.get("models", {})
    if not isinstance(models, dict):
        raise ConfigError(f'{path}: prices go in [models."NAME"] tables; see {BUNDLED} for the format')
    table = {}
    for name, entry in models.items():
        if not isinstance(entry, dict):
            raise ConfigError(f'{path}: models.{name} must be a table: [models."{name}"] input = … output = …')
        currency = entry.get("currency", "USD")
        if not isinstance(currency, str) or not currency:
            raise ConfigError(f'{path}: [models."{name}"] currency must be a code such as "USD"')
        table[name] = Price(
            name,
            _number(path, name, entry, "input"),
            _number(path, name, entry, "output"),
            _number(path, name, entry, "batch", 1.0),
            currency,
            str(path),
        )
    return table


def load_prices(extra: Path | None = None) -> dict[str, Price]:
    """The bundled examples, then the user's table, then ``extra`` (--prices): later entries win."""
    table = read_table(BUNDLED)
    user = user_table()
    if user.is_file() or os.environ.get("EXTRACTOR_PRICES"):
        table.update(read_table(user))
    if extra is not None:
        table.update(read_table(extra))
    return table


def price_for(model: str, table: dict[str, Price]) -> Price | None:
    """The entry for ``model``: its own, else the entry it is a dated snapshot of (``NAME-2024-07-18``,
    ``NAME-0613``); another variant (``NAME-audio-preview``) may cost otherwise and has no price."""
    if model in table:
        return table[model]
    prefixes = [
        name for name in table if model.startswith(name + "-") and model[len(name) + 1 : len(name) + 2].isdigit()
    ]
    return table[max(prefixes, key=len)] if prefixes else None


def unknown_price_note(model: str) -> str:
    return (
        f'no price for model {model!r}: tokens are counted, cost is not; add [models."{model}"] with '
        f"input = … and output = … (per million tokens) to {user_table()} or a file given with --prices"
    )


def money(amount: float, currency: str) -> str:
    """An amount with enough digits to tell small runs apart: $0.0123, $0.000024, ¥1.25, 12.50 GBP."""
    digits = 2 if amount >= 1 else max(4, 1 - math.floor(math.log10(amount))) if amount > 0 else 4
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{amount:.{digits}f}" if symbol else f"{amount:.{digits}f} {currency}"
