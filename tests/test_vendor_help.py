"""/help says what each vendor really offers now (issue 9), as the README's vendor sections do.

Each vendor's /help is read end to end; its lines are checked against what issue 9 changed:
Gemini's Lite tier (720p/1080p, no reference photos, no extension), no seed, the 2-day
extension window; kie's reference photos on Fast and Lite but not Quality, 720p/1080p on the
card and 4K only as an upgrade; UniAll's seed and negative prompt.
"""

from __future__ import annotations

import pytest

from tests.fakes.contract import VendorFake
from tests.support.harness import Person, StartBot

EXTEND = "• ➕ Extend a delivered video (button, or reply to it with /extend)"
ALL_KINDS = "Text only, Animate the photo, First → last frame, Reference photos"
NO_REFERENCES = "Text only, Animate the photo, First → last frame"
# (lines that must be there when photo modes are on, words that must not be there)
EXPECTED: dict[str, tuple[list[str], list[str]]] = {
    "gemini": (
        [
            f"• Kinds: {ALL_KINDS}",
            "• Speed: Fast, Quality, Lite",
            "• Length: 4, 6, 8 seconds",
            f"• Fast: 720p, 1080p, 4K; {ALL_KINDS}",
            f"• Quality: 720p, 1080p, 4K; {ALL_KINDS}",
            f"• Lite: 720p, 1080p; {NO_REFERENCES}; no ➕ Extend",
            "• Negative prompt (what to avoid)",
            "• ➕ Extend a delivered video within 2 days of making it (button, or reply to it "
            "with /extend)",
        ],
        ["Seed", "Sound", "Upgrade"],
    ),
    "kie": (
        [
            f"• Kinds: {ALL_KINDS}",
            "• Speed: Fast, Quality, Lite",
            "• Resolution: 720p, 1080p",
            f"• Fast: {ALL_KINDS}",
            f"• Quality: {NO_REFERENCES}",
            f"• Lite: {ALL_KINDS}",
            "• Seed: 10000–99999",
            EXTEND,
            "• ⬆️ Upgrade a delivered video to 1080p, 4K",
        ],
        ["Negative prompt", "Sound", "4K;"],
    ),
    "uniall": (
        [
            "• Speed: Fast, Quality",
            "• Resolution: 720p, 1080p, 4K",
            "• Length: 4, 6, 8 seconds",
            f"• Fast: {NO_REFERENCES}",
            f"• Quality: {ALL_KINDS}",
            "• Sound: on or off",
            "• Seed: 0–4294967295",
            "• Negative prompt (what to avoid)",
            EXTEND,
        ],
        ["Upgrade", "Lite"],
    ),
    "globalai": (
        [
            "• Resolution: 720p, 1080p, 4K",
            "• Length: 8 seconds",
            f"• Kinds: {ALL_KINDS}",
            "• Switches: Stable model",
        ],
        ["Seed", "Negative prompt", "Extend", "Sound", "• Fast:"],
    ),
    "gptplus5": (
        [
            "• Resolution: 720p, 1080p, 4K",
            "• Length: 8 seconds",
            f"• Fast: {ALL_KINDS}",
            f"• Quality: {NO_REFERENCES}",
            "• Switches: Enhance prompt",
        ],
        ["Seed", "Negative prompt", "Extend", "Sound"],
    ),
}
# Vendors that fetch photos from the bot's public URL: without it, text only.
FETCHES_PHOTOS = {"uniall", "globalai", "gptplus5"}


@pytest.mark.parametrize("public", [False, True], ids=["no public url", "public url"])
async def test_help_says_what_the_vendor_offers(
    start_bot: StartBot, vendor: VendorFake, alice: Person, public: bool
) -> None:
    settings = vendor.bot_settings()
    if public:
        settings["public_base_url"] = "https://bot.example.com"
    async with start_bot(**settings):
        text = (await alice.say("/help")).text or ""

    present, absent = EXPECTED[vendor.name]
    lines = text.splitlines()
    photos = public or vendor.name not in FETCHES_PHOTOS
    for line in present:
        if photos or not line.startswith(("• Kinds", "• Fast", "• Quality", "• Lite")):
            assert line in lines, (line, text)
    for word in absent:
        assert word not in text, (word, text)
    if not photos:  # text only: the tiers do not differ in what is shown
        assert "• Kinds: Text only" in lines
        assert not [line for line in lines if line.startswith(("• Fast", "• Quality"))]
    assert ("Photo modes are off" in text) is not photos
