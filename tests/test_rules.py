"""The rule registry is the one list: the README shows it, every emitter takes its ids from it, and every
finding the extractor writes names a rule of it with one of that rule's severities."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from extractor import rules
from extractor.cli import main
from extractor.rules import RULES, markdown_table
from extractor.synthetic import LAYOUTS, generate
from extractor.synthetic import RULES as BREAKABLE
from tests.conftest import extract_text

PACKAGE = Path(rules.__file__).resolve().parent
README = PACKAGE.parent / "README.md"


def test_readme_rules_table_is_the_registry() -> None:
    assert markdown_table() in README.read_text(encoding="utf-8")


def _rule_names_used(module: Path) -> set[str]:
    """Registry constants a module imports from ``rules`` (``from ..rules import S1, S2``)."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "rules"
        for alias in node.names
    }


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_is_emitted_where_the_registry_says(rule_id: str) -> None:
    rule = RULES[rule_id]
    constant = rule_id.replace(".", "_")
    assert getattr(rules, constant) is rule
    if not rule.emitted:
        assert rule.emitted_by == ()
        return
    for module in rule.emitted_by:
        assert constant in _rule_names_used(PACKAGE / f"{module}.py"), f"{module} does not use {constant}"


def test_no_rule_id_is_written_out_of_the_registry() -> None:
    literal = re.compile(r"""["'](?:R\d\.\d|[NSGLX]\d)["']""")
    offenders = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "rules.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_finding_names_a_registered_rule_with_its_severity(layout: str) -> None:
    seen = set()
    for i, broken in enumerate(BREAKABLE):
        text = generate(90 + i, layout, zero_rate=0.1, break_rule=broken).text
        text = text.replace("六、其他需要报告的事项", "六、")  # a section missing too (S1)
        for finding in extract_text(text).findings:
            rule = RULES.get(finding.rule)
            assert rule is not None and rule.emitted, finding.rule
            assert finding.severity in rule.severities, finding
            seen.add(finding.rule)
    assert {*BREAKABLE, "S1"} <= seen


def test_main_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert all(rule_id in out for rule_id in RULES) and "crossyear" in out  # X1, across years
    assert main(["rules", "--markdown"]) == 0
    assert capsys.readouterr().out == markdown_table()
