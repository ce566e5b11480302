"""What every vendor fake offers the vendor-neutral tests (contract suite, end-to-end runs).

Each vendor fake (tests/fakes/<vendor>.py) keeps its own rich, vendor-specific scripting API
and also implements this protocol, so one test can run over every vendor.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

FaultKind = Literal[
    "server_error",  # HTTP 5xx with a JSON (or the vendor's usual) body: retry
    "html",  # an HTML error page (proxy / Cloudflare), e.g. 502: a poll retries; a submit is
    # an unknown outcome (the vendor may have made the task), never sent again
    "timeout",  # no answer for 5 s (tests set VENDOR_TIMEOUT_SECONDS=2)
    "auth",  # the vendor's documented "bad key" answer
    "balance",  # the vendor's documented "out of credits/quota" answer
    "rate_limited",  # 429 (or the vendor's body code) with a retry hint of 1 s where it has one
    "rejected",  # a final refusal of this request (validation / content policy)
    "maintenance",  # maintenance / unavailable (kie 455; others 503)
]

SLOW_SECONDS = 5.0


class VendorFake(Protocol):
    name: str  # the VENDOR value: "uniall", "globalai", "kie", "gptplus5", "gemini"
    api_key: str
    base_url: str
    submissions: list[dict[str, Any]]  # accepted submit bodies, in order
    submit_attempts: int  # every submit request, accepted or not
    polls: list[str]  # task ids asked about, in order
    downloads: int  # finished video downloads

    async def start(self) -> None: ...
    async def stop(self) -> None: ...

    def bot_settings(self) -> dict[str, Any]:
        """Settings overrides that point the bot at this fake (vendor, key, base URLs…)."""
        ...

    def play_success(self, *, running_polls: int = 1) -> None:
        """New tasks: `running_polls` non-terminal answers, then success with the sample MP4."""
        ...

    def play_failure(self, message: str) -> None:
        """New tasks: one non-terminal answer, then the vendor's failure carrying `message`."""
        ...

    def play_no_video(self) -> None:
        """New tasks end in the vendor's success state but with no usable video URL."""
        ...

    def play_unknown_status(self) -> None:
        """New tasks answer an undocumented status twice, then succeed."""
        ...

    def fail_next_submits(self, kind: FaultKind, times: int = 1) -> None: ...

    def fail_next_polls(self, kind: FaultKind, times: int = 1) -> None: ...
