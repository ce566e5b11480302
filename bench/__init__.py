"""The benchmark suite of issue 12: `uv run python -m bench` (see bench/README.md)."""
