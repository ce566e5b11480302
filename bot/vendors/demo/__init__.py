"""The built-in demo vendor (`VENDOR=demo`): try the whole bot before paying any vendor.

It needs no key and no network. A "video" takes DEMO_VIDEO_SECONDS (queued, then running with
progress) and is always the short sample clip shipped beside this file; a prompt holding the
word "fail" fails half way, so the failure path can be seen too. It offers every mode and
option of the card (three tiers, 720p to 4K, both shapes, 4/6/8 s, sound, seed, negative
prompt, photos, extend and upgrades), read photos as bytes (no PUBLIC_BASE_URL needed).

The vendor keeps no state: a task id holds when it started and whether it fails, so a job
survives a restart like any other.
"""

from bot.vendors.demo.adapter import (
    CAPABILITIES,
    FAIL_WORD,
    NAME,
    SAMPLE_VIDEO,
    DemoVendor,
    wants_failure,
)

__all__ = [
    "CAPABILITIES",
    "FAIL_WORD",
    "NAME",
    "SAMPLE_VIDEO",
    "DemoVendor",
    "wants_failure",
]
