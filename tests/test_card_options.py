"""Every option on the card reaches the vendor: seed, negative prompt, vendor switches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import BotRuntime
from tests.fakes.gemini import FakeGemini
from tests.fakes.kie import FakeKie
from tests.fakes.telegram import FakeTelegram
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import TOKEN, OffsetClock, Person, make_settings


def gemini_options(submission: dict[str, Any]) -> tuple[object, object]:
    return submission["parameters"]["seed"], submission["parameters"]["negativePrompt"]


def uniall_options(submission: dict[str, Any]) -> tuple[object, object]:
    """Seed 001 documents extra_body.seed and extra_body.negative_prompt (issue 9)."""
    return submission["extra_body"]["seed"], submission["extra_body"]["negative_prompt"]


@pytest.mark.parametrize(
    ("fake_class", "seed", "options_of"),
    [(FakeGemini, 424242, gemini_options), (FakeUniAll, 4000000000, uniall_options)],
)
async def test_seed_and_negative_prompt_reach_the_vendor(
    telegram: FakeTelegram,
    alice: Person,
    database_path: Path,
    clock: OffsetClock,
    fake_class: Callable[..., FakeGemini | FakeUniAll],
    seed: int,
    options_of: Callable[[dict[str, Any]], tuple[object, object]],
) -> None:
    async with fake_class(forbidden_substrings=[TOKEN]) as vendor:
        settings = make_settings(telegram.api_url, database_path, **vendor.bot_settings())
        async with BotRuntime(settings, clock=clock):
            card = await alice.say("/video a glass of water tipping over")
            await alice.press(card, "Seed")
            card = await alice.say(str(seed))
            assert f"🎲 seed {seed}" in (card.text or "")
            await alice.press(card, "Avoid")
            card = await alice.say("text, watermark")
            assert "🚫 avoid: text, watermark" in (card.text or "")
            await alice.press(card, "Create video")
            await telegram.wait_for(lambda: len(vendor.submissions) == 1)

        assert options_of(vendor.submissions[0]) == (seed, "text, watermark")


async def test_kie_switches_and_auto_shape_reach_kie(
    telegram: FakeTelegram, alice: Person, database_path: Path, clock: OffsetClock
) -> None:
    async with FakeKie(forbidden_substrings=[TOKEN]) as kie:
        settings = make_settings(telegram.api_url, database_path, **kie.bot_settings())
        async with BotRuntime(settings, clock=clock):
            card = await alice.say("/video a market at night")
            await alice.press(card, "Lite")
            await alice.press(card, "Auto shape")
            await alice.press(card, "Translate prompt")
            assert "☑️ Translate prompt" in str(alice.current(card).reply_markup)
            await alice.press(card, "Seed")
            card = await alice.say("12345")
            await alice.press(card, "Create video")
            await telegram.wait_for(lambda: len(kie.submissions) == 1)

        body = kie.submissions[0]
        assert (body["model"], body["aspect_ratio"], body["seeds"]) == ("veo3_lite", "Auto", 12345)
        assert body["enableTranslation"] is True
