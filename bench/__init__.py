"""The benchmarks (see docs/performance.md): plain scripts run from the repository root, each
starting the processes it measures through the harness in tests/support/. Not part of the site:
no site module imports it."""
