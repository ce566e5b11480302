"""What the vendor adapter tests (tests/test_<vendor>_adapter.py) share.

Their ``client`` fixture (the httpx client an adapter talks through) is in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

import httpx
import pytest

from bot.domain import errors
from bot.domain.capabilities import Capabilities, validate
from bot.domain.request import GenerationRequest, MediaRef
from bot.vendors.base import MediaBytes, VendorConfig
from bot.vendors.http import VendorHttp
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

Adapter = TypeVar("Adapter")
Fake = TypeVar("Fake")


def fake_fixture(serve: Callable[[], AbstractAsyncContextManager[Fake]]) -> Any:
    """A test module's ``fake`` fixture: the vendor fake ``serve()`` starts, for one test.

    In the module: ``fake = fake_fixture(lambda: FakeX(KEY, forbidden_substrings=[TOKEN]))``.
    """

    @pytest.fixture(name="fake")
    async def fixture() -> AsyncIterator[Fake]:
        async with serve() as server:
            yield server

    return fixture


def adapter_on(
    make: Callable[[VendorHttp, VendorConfig], Adapter],
    name: str,
    base_url: str,
    client: httpx.AsyncClient,
    key: str,
) -> Adapter:
    """The adapter `make` builds, talking to the fake at `base_url` with `key` (2 s a call)."""
    config = VendorConfig(api_key=key, base_url=base_url + "/")
    return make(VendorHttp(client, name, timeout_seconds=2), config)


def refusal(request: GenerationRequest, capabilities: Capabilities) -> errors.InvalidRequestError:
    """What `validate` says of a request it must refuse (the test fails if it passes)."""
    with pytest.raises(errors.InvalidRequestError) as caught:
        validate(request, capabilities)
    return caught.value


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
