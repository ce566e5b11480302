"""What Linux says about a process: CPU seconds, resident memory and its peak."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
MB = 1024 * 1024


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (its threads included), in seconds."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "
    return (int(fields[11]) + int(fields[12])) / TICKS  # fields 14 and 15 of stat(5)


def _status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def rss_bytes(pid: int) -> int:
    return _status_kb(pid, "VmRSS") * 1024


def peak_rss_bytes(pid: int) -> int:
    return _status_kb(pid, "VmHWM") * 1024


def reset_peak(pid: int) -> bool:
    """Set the process's VmHWM back to its current RSS (Linux 4.0+); False when refused."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class RssSampler:
    """The highest RSS seen every few milliseconds (a check on VmHWM, and its fallback)."""

    def __init__(self, pid: int, every: float = 0.005) -> None:
        self.pid = pid
        self.every = every
        self.peak = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(OSError, KeyError):
                self.peak = max(self.peak, rss_bytes(self.pid))
            await asyncio.sleep(self.every)

    def start(self) -> None:
        self.peak = rss_bytes(self.pid)
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> int:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        return self.peak
