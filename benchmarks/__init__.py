"""Speed and traffic measurements; run with `python -m benchmarks` (see README)."""
