"""Real media files for tests: a small MP4 and three JPEG photos in tests/fixtures."""

from __future__ import annotations

from functools import cache
from pathlib import Path

FIXTURES_DIR: Path = Path(__file__).resolve().parent.parent / "fixtures"

# A real 640x360, 2.0 s H.264+AAC MP4 (14613 bytes).
SAMPLE_MP4: Path = FIXTURES_DIR / "sample.mp4"

# Real 320x240 JPEGs: photo1.jpg, photo2.jpg, photo3.jpg (PHOTOS[0] is photo1.jpg).
PHOTOS: list[Path] = [FIXTURES_DIR / f"photo{i}.jpg" for i in (1, 2, 3)]


@cache
def sample_mp4_bytes() -> bytes:
    """The bytes of tests/fixtures/sample.mp4."""
    return SAMPLE_MP4.read_bytes()


@cache
def photo_bytes(i: int) -> bytes:
    """The bytes of tests/fixtures/photo{i}.jpg; i is 1-based like the file names (1, 2 or 3)."""
    if not 1 <= i <= len(PHOTOS):
        raise ValueError(f"photo_bytes(i): i must be 1..{len(PHOTOS)} (photo{{i}}.jpg), got {i}")
    return PHOTOS[i - 1].read_bytes()


def looks_like_mp4(data: bytes) -> bool:
    """True when data starts with an ISO-BMFF `ftyp` box, as every MP4 does."""
    return len(data) >= 12 and data[4:8] == b"ftyp"


def looks_like_jpeg(data: bytes) -> bool:
    """True when data starts with the JPEG SOI marker."""
    return data[:3] == b"\xff\xd8\xff"
