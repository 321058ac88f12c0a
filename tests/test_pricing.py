"""The price table: bundled examples, the user's own entries over them, a clear error for a bad file, and a
model without a price costing nothing but a line saying how to add one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.errors import ConfigError
from extractor.llm.pricing import BUNDLED, load_prices, money, price_for
from extractor.testserver import TestServer
from tests.batch_runs import llm_args, report_corpus

pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])


@pytest.fixture(autouse=True)
def _no_user_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXTRACTOR_PRICES", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def test_prices_bundled_entries_are_examples_and_cover_dated_snapshots() -> None:
    assert "EXAMPLES" in BUNDLED.read_text(encoding="utf-8")  # named as examples, not as truths
    table = load_prices()
    mini = price_for("gpt-4o-mini-2024-07-18", table)
    assert mini is not None and mini.model == "gpt-4o-mini"  # the longest name it is a snapshot of
    assert price_for("gpt-4o-2024-08-06", table).model == "gpt-4o"  # type: ignore[union-attr]
    assert price_for("gpt-4o-audio-preview", table) is None  # a snapshot is NAME-<date>, not another variant
    assert mini.cost(1_000_000, 1_000_000, batched=True) == pytest.approx((mini.input + mini.output) * mini.batch)


def test_prices_the_users_table_overrides_entry_by_entry(tmp_path: Path) -> None:
    user = tmp_path / "config" / "extractor" / "prices.toml"
    user.parent.mkdir(parents=True)
    user.write_text('[models."gpt-4o-mini"]\ninput = 9\noutput = 9\n[models."mine"]\ninput = 1\noutput = 1\n'
                    'currency = "CNY"\n', encoding="utf-8")  # fmt: skip
    extra = tmp_path / "extra.toml"
    extra.write_text('[models."mine"]\ninput = 2\noutput = 3\n', encoding="utf-8")
    table = load_prices(extra)
    assert (table["gpt-4o-mini"].input, table["gpt-4o-mini"].batch) == (9, 1.0)
    assert (table["mine"].input, table["mine"].currency) == (2, "USD")  # --prices wins over the user's table
    assert "gpt-4o" in table  # the other examples stay
    assert money(0.01234, "USD") == "$0.0123" and money(12.5, "GBP") == "12.50 GBP"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[models.x\n", "not a TOML price table"),
        ('[models."x"]\ninput = "cheap"\noutput = 1\n', "needs input = a non-negative number"),
        ('[models."x"]\ninput = 1\noutput = 1\nbatch = -1\n', "batch must be a non-negative multiplier"),
        ("models = 3\n", 'prices go in [models."NAME"] tables'),
    ],
    ids=["not-toml", "not-a-number", "negative-batch", "no-table"],
)
def test_prices_a_bad_table_names_the_file_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "prices.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        load_prices(bad)
    assert str(bad) in str(info.value)


def test_extract_with_a_model_without_a_price_records_tokens_and_says_how_to_add_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    report_corpus(folder, 2)
    out = tmp_path / "o.jsonl"
    with TestServer() as server:
        assert main(["extract", str(folder), "-o", str(out), "--no-cache", *llm_args(server)]) == 0
    err = capsys.readouterr().err
    assert err.count("no price for model 'test-model'") == 1
    assert "prices.toml" in err and "--prices" in err
    usage = [json.loads(line)["provenance"]["usage"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(u["total_tokens"] == 220 and u["cost"] is None for u in usage)
    assert "tokens 440;" in err and "cost" not in err.split("tokens 440")[1].split("\n")[0]


def test_extract_bad_prices_file_stops_before_any_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    report_corpus(folder, 1)
    bad = tmp_path / "p.toml"
    bad.write_text("[models.x\n", encoding="utf-8")
    with TestServer() as server:
        assert main(["extract", str(folder), "-q", *llm_args(server), "--prices", str(bad)]) == 2
        assert server.http_requests == 0
    assert f"{bad}: not a TOML price table" in capsys.readouterr().err
