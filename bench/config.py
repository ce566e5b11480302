"""How big a run is: `--quick` scales the work down, keeping the load per second the same."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Scale:
    rounds: int = 3  # repeats of the short figures (CPU per update, start time, relay)
    wizards: int = 20  # wizards per CPU round (5 updates each)
    jobs: int = 1000  # "1,000 jobs in flight"
    many_jobs: int = 10_000  # "10,000 jobs in flight"
    interval: float = 15.0  # POLL_INTERVAL_SECONDS (UniAll's own 15 s: 1,000 jobs = 67 polls/s)
    intervals: float = 3.0  # how many intervals each poll window lasts
    relay_mb: int = 45
    flood_dm_jobs: int = 6
    flood_group_jobs: int = 4
    flood_timeout: float = 90.0  # for the videos; a third of it for each card and answer
    work_dir: Path = Path("/tmp/bench-work")

    @classmethod
    def quick(cls, work_dir: Path) -> Scale:
        # A fifth of the jobs at a fifth of the interval: the same polls per second.
        return cls(
            rounds=2,
            wizards=8,
            jobs=200,
            many_jobs=2000,
            interval=3.0,
            intervals=3.0,
            flood_timeout=45.0,
            work_dir=work_dir,
        )
