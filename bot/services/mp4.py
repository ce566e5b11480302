"""Read an MP4's boxes, without decoding anything: is it one, and its width, height, length."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"}
_MAX_BOX_READ = 1 << 20


def is_mp4(path: Path) -> bool:
    """True when the file is a chain of well-formed top-level boxes holding `ftyp` and `moov`.

    An HTML page, a JSON error or a cut-off file is not: their first "box size" is nonsense.
    """
    kinds: set[bytes] = set()
    try:
        with path.open("rb") as source:
            end = path.stat().st_size
            position = 0
            while position + 8 <= end:
                source.seek(position)
                size, kind = struct.unpack(">I4s", source.read(8))
                header = 8
                if size == 1:
                    size, header = struct.unpack(">Q", source.read(8))[0], 16
                elif size == 0:
                    size = end - position
                if size < header or position + size > end:
                    return False
                kinds.add(kind)
                position += size
    except (OSError, struct.error):
        return False
    return {b"ftyp", b"moov"} <= kinds


def probe(path: Path) -> tuple[int | None, int | None, int | None]:
    """(width, height, whole seconds) from mvhd and the first video tkhd; None where unknown."""
    found: dict[str, int] = {}
    try:
        with path.open("rb") as source:
            size = path.stat().st_size
            _walk(source, 0, size, found)
    except (OSError, struct.error, ValueError):
        pass
    return found.get("width"), found.get("height"), found.get("duration")


def _walk(source: BinaryIO, start: int, end: int, found: dict[str, int]) -> None:
    position = start
    while position + 8 <= end:
        source.seek(position)
        size, kind = struct.unpack(">I4s", source.read(8))
        header = 8
        if size == 1:
            size = struct.unpack(">Q", source.read(8))[0]
            header = 16
        elif size == 0:
            size = end - position
        if size < header:
            return
        body_start, body_end = position + header, min(position + size, end)
        if kind in _CONTAINERS:
            _walk(source, body_start, body_end, found)
        elif kind == b"mvhd":
            _read_mvhd(source.read(min(body_end - body_start, _MAX_BOX_READ)), found)
        elif kind == b"tkhd" and "width" not in found:
            _read_tkhd(source.read(min(body_end - body_start, _MAX_BOX_READ)), found)
        position += size


def _read_mvhd(body: bytes, found: dict[str, int]) -> None:
    version = body[0]
    if version == 1:
        timescale, duration = struct.unpack(">IQ", body[20:32])
    else:
        timescale, duration = struct.unpack(">II", body[12:20])
    if timescale:
        found["duration"] = round(duration / timescale)


def _read_tkhd(body: bytes, found: dict[str, int]) -> None:
    offset = 88 if body[0] == 1 else 76
    width, height = struct.unpack(">II", body[offset : offset + 8])
    if width and height:
        found["width"], found["height"] = width >> 16, height >> 16
