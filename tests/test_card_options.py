"""Every option on the card reaches the vendor: seed, negative prompt, vendor switches."""

from __future__ import annotations

from tests.fakes.gemini import FakeGemini
from tests.fakes.kie import FakeKie
from tests.fakes.telegram import FakeTelegram, SentMessage
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import Person, StartBot


async def create_with(
    alice: Person, card: SentMessage, *, negative: str, seed: str | None = None
) -> None:
    """Type a seed (when given) and a negative prompt on the card, checking each, then create."""
    if seed is not None:
        await alice.press_for_question(card, "Seed")
        card = await alice.say(seed)
        assert f"🎲 seed {seed}" in (card.text or "")
    await alice.press_for_question(card, "Avoid")
    card = await alice.say(negative)
    assert f"🚫 avoid: {negative}" in (card.text or "")
    await alice.press(card, "Create video")


async def test_negative_prompt_reaches_gemini_and_no_seed_is_offered(
    start_bot: StartBot, gemini: FakeGemini, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**gemini.bot_settings()):
        card = await alice.say("/video a glass of water tipping over")
        # Google's SDK refuses a seed on the Gemini API (issue 9): the card has no Seed.
        assert "Seed" not in str(alice.current(card).reply_markup)
        await create_with(alice, card, negative="text, watermark")
        await telegram.wait_for(lambda: len(gemini.submissions) == 1)

    parameters = gemini.submissions[0]["parameters"]
    assert "seed" not in parameters
    assert parameters["negativePrompt"] == "text, watermark"


async def test_seed_and_negative_prompt_reach_uniall(
    start_bot: StartBot, uniall: FakeUniAll, telegram: FakeTelegram, alice: Person
) -> None:
    """Seed 001 documents extra_body.seed and extra_body.negative_prompt (issue 9)."""
    async with start_bot():
        card = await alice.say("/video a glass of water tipping over")
        await create_with(alice, card, seed="4000000000", negative="text, watermark")
        await telegram.wait_for(lambda: len(uniall.submissions) == 1)

    extra = uniall.submissions[0]["extra_body"]
    assert (extra["seed"], extra["negative_prompt"]) == (4000000000, "text, watermark")


async def test_kie_switches_and_auto_shape_reach_kie(
    start_bot: StartBot, kie: FakeKie, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**kie.bot_settings()):
        card = await alice.say("/video a market at night")
        await alice.press(card, "Lite")
        await alice.press(card, "Auto shape")
        await alice.press(card, "Translate prompt")
        await telegram.wait_for(
            lambda: "☑️ Translate prompt" in str(alice.current(card).reply_markup)
        )
        await alice.press_for_question(card, "Seed")
        card = await alice.say("12345")
        await alice.press(card, "Create video")
        await telegram.wait_for(lambda: len(kie.submissions) == 1)

    body = kie.submissions[0]
    assert (body["model"], body["aspect_ratio"], body["seeds"]) == ("veo3_lite", "Auto", 12345)
    assert body["enableTranslation"] is True
