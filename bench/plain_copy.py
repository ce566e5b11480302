"""The relay floor: a plain httpx streamed copy, vendor file → disk → sendVideo.

`python -m bench.plain_copy FILE_URL API_URL TOKEN CHAT_ID` prints one JSON line: the RSS before
the copy and the peak during it (bytes).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import httpx

from bench.proc import peak_rss_bytes, reset_peak, rss_bytes


def copy(file_url: str, api_url: str, token: str, chat_id: str) -> None:
    with httpx.Client(timeout=120) as client:
        before = rss_bytes_self()
        reset_peak_self()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "video.mp4"
            with client.stream("GET", file_url) as answer, path.open("wb") as out:
                answer.raise_for_status()
                for chunk in answer.iter_bytes(256 * 1024):
                    out.write(chunk)
            with path.open("rb") as video:
                sent = client.post(
                    f"{api_url}/bot{token}/sendVideo",
                    data={"chat_id": chat_id},
                    files={"video": ("video.mp4", video, "video/mp4")},
                )
            sent.raise_for_status()
        peak = peak_rss_bytes_self()
    sys.stdout.write(json.dumps({"before": before, "peak": peak}) + "\n")


def rss_bytes_self() -> int:
    return rss_bytes(_pid())


def peak_rss_bytes_self() -> int:
    return peak_rss_bytes(_pid())


def reset_peak_self() -> None:
    reset_peak(_pid())


def _pid() -> int:
    import os

    return os.getpid()


if __name__ == "__main__":
    copy(*sys.argv[1:5])
