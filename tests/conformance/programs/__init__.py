"""Programs that mirror ttnn program factories at the 0.81.1 wheel, one module per op family."""
