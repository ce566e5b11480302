"""What the vendor adapter tests (tests/test_<vendor>_adapter.py) share.

Their ``client`` fixture (the httpx client an adapter talks through) is in tests/conftest.py.
"""

from __future__ import annotations

from bot.domain import errors
from bot.domain.request import MediaRef
from bot.vendors.base import MediaBytes
from tests.fakes.contract import FaultKind
from tests.fakes.media import photo_bytes, sample_mp4_bytes

# The contract's fault kinds (all but the slow "timeout") and the error each must become.
FAULTS: list[tuple[FaultKind, type[errors.VendorError]]] = [
    ("auth", errors.VendorAuthError),
    ("balance", errors.VendorBalanceError),
    ("rate_limited", errors.VendorRateLimitedError),
    ("server_error", errors.VendorUnavailableError),
    ("html", errors.VendorUnavailableError),
    ("maintenance", errors.VendorUnavailableError),
    ("rejected", errors.VendorRejectedError),
]


class PhotoMedia:
    """A MediaSource over tests/fixtures: keys ``photo1``..``photo3`` (or ``1``..``3``) are the
    fixture photos, ``video`` is the sample MP4.

    ``url``: a template with ``{key}`` under which the photos are hosted; None (the default)
    for vendors that must take the bytes, where asking for a URL fails the test.
    ``asked`` / ``reads``: the keys asked for as URLs / read as bytes, in order.
    """

    url: str | None = None

    def __init__(self, url: str | None = None) -> None:
        if url is not None:
            self.url = url
        self.asked: list[str] = []
        self.reads: list[str] = []

    async def public_url(self, ref: MediaRef) -> str:
        if self.url is None:
            raise AssertionError(f"this vendor takes bytes, never a URL (asked for {ref.key})")
        self.asked.append(ref.key)
        return self.url.format(key=ref.key)

    async def read(self, ref: MediaRef) -> MediaBytes:
        self.reads.append(ref.key)
        if ref.key == "video":
            return MediaBytes(sample_mp4_bytes(), "video/mp4", "video.mp4")
        index = int(ref.key.removeprefix("photo"))
        return MediaBytes(photo_bytes(index), "image/jpeg", f"photo{index}.jpg")
