"""The eval suite: hand-labeled gold sets, small named evaluators, reports that compare runs.

Modelled on pydantic_evals' Dataset / Case / Evaluator (a new field to score needs one new evaluator), not
built on it: run on it, the same evaluators give the same scores, but keeping our reports (per set, summed
counts, by row, failures, tolerances) needs as much code of ours, and it brings ten more packages.
"""
