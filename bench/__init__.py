"""Benchmarks at a million cases: the data generator (bench.generate) and the runner behind `make bench` (bench.run)."""
