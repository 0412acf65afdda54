"""`make loadtest`: the deadline day under Locust, on one node and on two, written to bench/LOAD.md (python -m bench.load)."""
