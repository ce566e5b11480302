"""What people see of the vendor (issue 13): VENDOR_DISPLAY_NAME in every text, never the
reseller's brand; and every photo mode some tier can do is on the card, on every vendor."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from bot.config import Settings, describe_error
from tests.fakes.contract import VendorFake
from tests.fakes.media import photo_bytes
from tests.fakes.telegram import FakeTelegram, SentMessage, TgChat, TgUser
from tests.support.harness import Jobs, Person, StartBot, free_port, settle

# The resellers' names, as any of their texts or ids could carry them.
BRANDS = re.compile(r"uniall|globalai|\bkie\b|kie\.ai|gptplus5|unified|gemini", re.IGNORECASE)
# Every field of a Bot API call whose words a person reads.
SHOWN_FIELDS = {"text", "caption", "title", "description", "error_message"}
XIAOMING = TgUser(id=1003, first_name="小明", language_code="zh-hans")


def hosted(vendor: VendorFake, **overrides: Any) -> dict[str, Any]:
    """The vendor's settings with the bot's own server public, so every vendor takes photos."""
    port = free_port()
    return {
        **vendor.bot_settings(),
        "public_base_url": f"http://127.0.0.1:{port}",
        "http_port": port,
        **overrides,
    }


def shown_words(value: Any) -> Iterator[str]:
    """Every text a person reads inside a Bot API call's parameters (buttons included)."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return
    if isinstance(value, dict):
        for key, item in value.items():
            if key in SHOWN_FIELDS and isinstance(item, str):
                yield item
            else:
                yield from shown_words(item)
    elif isinstance(value, list):
        for item in value:
            yield from shown_words(item)


def everything_shown(telegram: FakeTelegram) -> list[str]:
    return [text for call in telegram.calls for text in shown_words(call.params)]


def send_album(person: Person, count: int, caption: str | None, album: str) -> None:
    for index in range(count):
        person.telegram.send_photo(
            person.user,
            person.chat,
            photo_bytes(index % 3 + 1),
            caption=caption if index == 0 else None,
            media_group_id=album,
        )


async def next_card(person: Person, before: int) -> SentMessage:
    return await person.telegram.wait_for(
        lambda: next(
            (
                m
                for m in person.telegram.messages(person.chat.id)[before:]
                if "video" in str(m.reply_markup).lower() or "视频" in str(m.reply_markup)
            ),
            None,
        )
    )


async def conversation(person: Person, vendor: VendorFake, jobs: Jobs, create: str) -> None:
    """start, help, a card from a photo, a video made and delivered, a failure, bad input."""
    telegram = person.telegram
    await person.say("/start")
    await person.say("/help")
    await person.say("/video")
    before = len(telegram.messages(person.chat.id))
    telegram.send_photo(person.user, person.chat, photo_bytes(1), caption="the cat blinks")
    card = await next_card(person, before)
    vendor.play_success(running_polls=3)
    await person.press(card, create)
    await telegram.wait_for_message(person.chat.id, lambda m: m.kind == "video", timeout=20)
    await jobs.wait(1, "delivered")

    # A failure whose vendor words name every brand: the person reads none of them.
    vendor.play_failure("UniAll GlobalAI kie.ai gptplus5 Gemini unified: generation failed")
    card = await person.say("/video a storm over the sea")
    await person.press(card, create)
    await jobs.wait(2, "failed")
    await person.say("/history")

    # Errors that name the video service: too many photos, a prompt over its limit.
    before = len(telegram.messages(person.chat.id))
    send_album(person, 4, "four is too many", "album-4")
    await person.next_message(before)
    await person.say("/video " + "a very long prompt " * 300)
    await settle(telegram)


async def test_no_message_a_person_receives_names_the_reseller(
    start_bot: StartBot, vendor: VendorFake, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    async with start_bot(**hosted(vendor)):
        await conversation(alice, vendor, jobs, "Create video")

    shown = everything_shown(telegram)
    assert any("Veo 3.1 is making your video" in text for text in shown)
    assert any("made by Veo 3.1" in text for text in shown)
    assert any("A video takes at most 3 photos" in text for text in shown)
    assert any("Veo 3.1 accepts at most" in text for text in shown)
    assert [text for text in shown if BRANDS.search(text)] == []


async def test_no_message_names_the_reseller_in_chinese_either(
    start_bot: StartBot, vendor: VendorFake, telegram: FakeTelegram, jobs: Jobs
) -> None:
    xiaoming = Person(telegram, XIAOMING, TgChat.private(XIAOMING))
    async with start_bot(**hosted(vendor)):
        await conversation(xiaoming, vendor, jobs, "生成视频")

    shown = everything_shown(telegram)
    assert any("Veo 3.1 正在生成视频" in text for text in shown)
    assert [text for text in shown if BRANDS.search(text)] == []


async def test_the_operator_chooses_the_name_and_logs_and_admins_keep_the_vendor_id(
    start_bot: StartBot,
    telegram: FakeTelegram,
    alice: Person,
    jobs: Jobs,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    async with start_bot(vendor_display_name="Studio Nine", admin_user_ids=(alice.user.id,)):
        help_text = (await alice.say("/help")).text or ""
        card = await alice.say("/video a fox")
        await alice.press(card, "Create video")
        done = await alice.showing(card, "done")
        health = (await alice.say("/health")).text or ""

    assert "Videos are made by Studio Nine." in help_text
    assert done.startswith("✅ Job #1 is done (made by Studio Nine).")
    assert "vendor uniall: " in health
    assert "Studio Nine" not in health
    logged = [record.getMessage() for record in caplog.records]
    assert any("uniall" in line for line in logged)
    assert not any("Studio Nine" in line for line in logged)
    assert jobs.rows()[0]["vendor"] == "uniall"


async def test_reference_photos_are_reachable_on_every_vendor(
    start_bot: StartBot, vendor: VendorFake, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    vendor.play_success()
    async with start_bot(**hosted(vendor)):
        before = len(telegram.messages(alice.chat.id))
        send_album(alice, 2, "the same dog in two places", "album-2")
        card = await next_card(alice, before)
        first = card.text or ""
        offered = [label for label, _ in card.buttons()]
        await alice.press(card, "Reference photos")
        shown = await alice.showing(card, "🖼 2 photo(s) · Reference photos")
        await alice.press(card, "Create video")
        await jobs.wait(1, "delivered")

    # Two photos start as first → last frame, on the first tier; reference mode is offered.
    assert "🖼 2 photo(s) · First → last frame" in first
    assert "✅ Reference photos" not in offered
    assert "Reference photos" in offered
    assert json.loads(jobs.rows()[0]["request_json"])["mode"] == "reference"
    assert len(vendor.submissions) == 1  # the vendor took it
    if vendor.name == "uniall":  # its Fast models take no references: the card switched
        assert "⚙️ Quality ·" in shown
        assert "⚙️ Fast ·" in first


def test_the_display_name_setting_defaults_to_veo_and_refuses_a_blank_one() -> None:
    env = {
        "telegram_bot_token": "1:x",
        "vendor": "uniall",
        "vendor_api_key": "k",
        "vendor_base_url": "https://vendor.example",
    }
    assert Settings(_env_file=None, **env).vendor_display_name == "Veo 3.1"  # type: ignore[call-arg]
    assert (
        Settings(_env_file=None, **env, vendor_display_name="  My   Videos ").vendor_display_name  # type: ignore[call-arg]
        == "My Videos"
    )
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **env, vendor_display_name="   ")  # type: ignore[call-arg]
    assert describe_error(caught.value) == (
        "configuration error: VENDOR_DISPLAY_NAME: give the name people should see, e.g. Veo 3.1"
    )
