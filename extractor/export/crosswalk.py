"""How the 2019 and 2021 formats line up in the organ × year panel.

One panel variable per concept, named by its 2021 key where it has one. A variable takes, in each format,
the key(s) listed in ``sources``; a format that is not listed has no counterpart and the panel says
``not_in_format`` there. Nothing is imputed: the only computed value is 2019's single (六)其他处理 row
read from 2021's three (六) rows, as their sum, and only when all three are numbers.

Table 3's rows and columns and table 4's blocks are the same in both formats. Table 2 is where they part:

- 本年新制作数量 (2019 ``made``) and 本年制发件数 (2021 ``issued``) both count the regulations / normative
  documents the body made this year, so they share ``issued``;
- 处理决定数量 (2019) and 本年处理决定数量 (2021) count decisions: ``decisions`` in both;
- 2019's 本年新公开数量, 对外公开总数量, 上一年项目数量, 本年增/减, the 其他对外管理服务事项 row and 政府集中采购
  have no 2021 counterpart; 2021's 本年废止件数, 现行有效件数 (documents in force, not documents published)
  and 本年收费金额 (an amount in 万元, where 2019's 行政事业性收费 row counts fee items) have no 2019 one.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..spec import TABLE2_COLUMNS, TABLE3_COLUMNS_WITH_SUBTOTAL, TABLE3_ROWS, TABLE4_BLOCKS, TABLE4_COLUMNS


@dataclass(frozen=True, slots=True)
class PanelVar:
    name: str  # table.row.column of the 2021 format where it exists
    sources: dict[str, tuple[str, ...]]  # format -> the record key(s) it is read from (several: summed)
    note: str


_OTHER_2021 = ("other_no_correction", "other_unpaid_fee", "other_other")
_ONLY_2019 = "2019 only: the 2021 format has no counterpart"
_ONLY_2021 = "2021 only: the 2019 format has no counterpart"


def _table2() -> list[PanelVar]:
    out: list[PanelVar] = []
    f19, f21 = TABLE2_COLUMNS["2019"], TABLE2_COLUMNS["2021"]
    for row in dict.fromkeys([*f21, *f19]):
        for col in f21.get(row, ()):
            key = f"table2.{row}.{col}"
            if col == "issued":
                note = (
                    "2019 本年新制作数量 (made) = 2021 本年制发件数 (issued): both count the documents made this year"
                )
                out.append(PanelVar(key, {"2019": (f"table2.{row}.made",), "2021": (key,)}, note))
            elif col in f19.get(row, ()):
                out.append(PanelVar(key, {"2019": (key,), "2021": (key,)}, "same key in both formats"))
            else:
                note = _ONLY_2021
                if col == "in_force":
                    note += " (现行有效件数 counts documents in force, not 2019's 对外公开总数量)"
                if col == "amount":
                    note += " (an amount in 万元; 2019's 行政事业性收费 row counts fee items)"
                out.append(PanelVar(key, {"2021": (key,)}, note))
        for col in f19.get(row, ()):
            if col != "made" and col not in f21.get(row, ()):
                key = f"table2.{row}.{col}"
                out.append(PanelVar(key, {"2019": (key,)}, _ONLY_2019))
    return out


def _table3() -> list[PanelVar]:
    out: list[PanelVar] = []
    rows = [*TABLE3_ROWS["2021"][:-2], "other_handling", *TABLE3_ROWS["2021"][-2:]]
    for row in rows:
        for col in TABLE3_COLUMNS_WITH_SUBTOTAL:
            key = f"table3.{row}.{col}"
            if row == "other_handling":
                parts = tuple(f"table3.{r}.{col}" for r in _OTHER_2021)
                note = (
                    "2019 (六)其他处理 = the sum of 2021's three (六) rows: a 2021 value is that sum (status "
                    "summed), empty when any of the three is not a number"
                )
                out.append(PanelVar(key, {"2019": (key,), "2021": parts}, note))
            elif row in _OTHER_2021:
                out.append(PanelVar(key, {"2021": (key,)}, _ONLY_2021 + " (2019 prints one row: other_handling)"))
            else:
                out.append(PanelVar(key, {"2019": (key,), "2021": (key,)}, "same row in both formats"))
    return out


def _table4() -> list[PanelVar]:
    return [
        PanelVar(
            f"table4.{b}.{c}", {"2019": (f"table4.{b}.{c}",), "2021": (f"table4.{b}.{c}",)}, "same in both formats"
        )
        for b in TABLE4_BLOCKS
        for c in TABLE4_COLUMNS
    ]


PANEL_VARS: tuple[PanelVar, ...] = (*_table2(), *_table3(), *_table4())
