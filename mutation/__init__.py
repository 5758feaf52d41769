"""The mutation suite: curated single-point mutants that the tests must kill.

A mutant is one textual edit of one file (`catalogue.py`); each is applied to a scratch copy of the
repository (`scratch.py`), the smallest test selection that should kill it runs first, then its
area's wider suite (`judge.py`), and the copy is restored. Results go to a table and JSON (`report.py`).
"""
