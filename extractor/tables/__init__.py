"""Label-anchored parsing of tables 2, 3 and 4 from section text, in every layout SPEC §5 lists."""

from .parse import ParsedTable, TableProblem, parse_table2, parse_table3, parse_table4

__all__ = ["ParsedTable", "TableProblem", "parse_table2", "parse_table3", "parse_table4"]
