"""Percentiles, min / median, and the figure table."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100), nearest rank; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: Sequence[float], unit: str = "", digits: int = 2) -> str:
    """ "min a / median b (n=3)" for repeated rounds."""
    if not values:
        return "no data"
    return (
        f"min {min(values):.{digits}f}{unit} / median {median(values):.{digits}f}{unit} "
        f"(n={len(values)})"
    )


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


@dataclass
class Row:
    figure: str
    measured: str
    baseline: str
    ratio: str
    goal: str
    today: str = ""


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| figure | measured | baseline (same run) | ratio | goal | issue's today |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        cells = [row.figure, row.measured, row.baseline, row.ratio, row.goal, row.today]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
