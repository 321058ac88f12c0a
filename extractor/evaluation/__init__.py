"""The eval suite: hand-labeled gold, small named evaluators, reports that compare runs.

Modelled on pydantic_evals' Dataset / Case / Evaluator: a new field to score needs one new evaluator.
"""
