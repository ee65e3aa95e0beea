"""Generated test documents (ID cards, household registers) for the OCR tests and benchmark.

Split in modules by what they draw; `tests/ocr/docgen.py` is the entry point the tests use.
"""
