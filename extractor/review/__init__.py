"""``extractor review``: a static site to check extracted values against their source.

``site`` builds it (``build_from_jsonl``, ``build_from_records``); ``page`` lays out one document;
``commands`` is the command line. Nothing here is imported until a review is asked for.
"""
