"""Photos from the chat to the vendor: every mode, every route (hosted URL, upload API, inline)."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from bot.app import BotRuntime
from tests.fakes.gemini import FakeGemini
from tests.fakes.kie import FakeKie
from tests.fakes.media import photo_bytes, sample_mp4_bytes
from tests.fakes.telegram import FakeTelegram
from tests.fakes.uniall import FakeUniAll
from tests.support.harness import TOKEN, Jobs, OffsetClock, Person, StartBot, free_port


@pytest.fixture
def start_hosted(start_bot: StartBot) -> StartBot:
    """UniAll needs URLs: the bot's own server on a known port, with PUBLIC_BASE_URL."""
    port = free_port()

    def start(**overrides: Any) -> BotRuntime:
        return start_bot(public_base_url=f"http://127.0.0.1:{port}", http_port=port, **overrides)

    return start


def send_album(person: Person, photos: list[bytes], caption: str | None = None) -> list[int]:
    ids = []
    for index, data in enumerate(photos):
        ids.append(
            person.telegram.send_photo(
                person.user,
                person.chat,
                data,
                caption=caption if index == 0 else None,
                media_group_id="album-1",
            )
        )
    return ids


async def fetch(url: str) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.get(url)


async def test_animate_one_photo_through_the_bots_own_server(
    start_hosted: StartBot,
    telegram: FakeTelegram,
    uniall: FakeUniAll,
    alice: Person,
    clock: OffsetClock,
    jobs: Jobs,
) -> None:
    async with start_hosted():
        before = len(telegram.messages(alice.chat.id))
        telegram.send_photo(alice.user, alice.chat, photo_bytes(1), caption="the cat blinks")
        card = await alice.next_card(before)
        assert "🖼 1 photo(s) · Animate the photo" in (card.text or "")
        assert "📝 the cat blinks" in (card.text or "")
        await alice.press(card, "Create video")
        video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")

        image_url = uniall.submissions[0]["image"]
        served = await fetch(image_url)
        assert served.status_code == 200
        assert served.content == photo_bytes(1)
        assert TOKEN not in image_url
        assert "api.telegram" not in image_url
        await jobs.wait(1, "delivered")
        clock.advance(11 * 60)  # past the grace after the job ended
        assert (await fetch(image_url)).status_code == 404
        guessed = image_url.rsplit("/", 1)[0] + "/not-a-token"
        assert (await fetch(guessed)).status_code == 404

    assert video.video_bytes == sample_mp4_bytes()
    assert uniall.leaks == []


async def test_an_album_of_two_is_first_and_last_frame_in_order(
    start_hosted: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person
) -> None:
    async with start_hosted():
        before = len(telegram.messages(alice.chat.id))
        send_album(alice, [photo_bytes(1), photo_bytes(2)], caption="day turns to night")
        card = await alice.next_card(before)
        assert "🖼 2 photo(s) · First → last frame" in (card.text or "")
        await alice.press(card, "Create video")
        await telegram.wait_for(lambda: len(uniall.submissions) == 1)
        body = uniall.submissions[0]
        first, last = await fetch(body["image"]), await fetch(body["last_image"])

    assert (first.content, last.content) == (photo_bytes(1), photo_bytes(2))
    sent = telegram.messages(alice.chat.id)
    cards = [m for m in sent if "Create video" in str(m.params.get("reply_markup"))]
    assert len(cards) == 1  # the album got one answer


async def test_an_album_of_three_is_reference_photos(
    start_hosted: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person
) -> None:
    async with start_hosted():
        before = len(telegram.messages(alice.chat.id))
        send_album(alice, [photo_bytes(1), photo_bytes(2), photo_bytes(3)])
        ask = await alice.next_message(before)
        assert ask.text == "🖼 Got 3 photo(s). Now send the prompt (or more photos, up to 3)."
        card = await alice.say("the same character walks through a market")
        assert "🖼 3 photo(s) · Reference photos" in (card.text or "")
        assert "Quality ·" in (card.text or "")  # UniAll's fast models take no references
        await alice.press(card, "Create video")
        await telegram.wait_for(lambda: len(uniall.submissions) == 1)
        body = uniall.submissions[0]
        served = [(await fetch(url)).content for url in body["images"]]

    assert body["model"] == "veo3.1-video-720p"
    assert served == [photo_bytes(1), photo_bytes(2), photo_bytes(3)]


async def test_an_image_file_keeps_its_original_bytes_and_photos_can_be_removed(
    start_hosted: StartBot, telegram: FakeTelegram, uniall: FakeUniAll, alice: Person
) -> None:
    async with start_hosted():
        before = len(telegram.messages(alice.chat.id))
        telegram.send_document(
            alice.user,
            alice.chat,
            photo_bytes(2),
            file_name="original.jpg",
            mime_type="image/jpeg",
            caption="a slow zoom",
        )
        card = await alice.next_card(before)
        assert "🖼 1 photo(s)" in (card.text or "")
        await alice.press(card, "Remove photos")
        await telegram.wait_for(lambda: "🖼" not in (alice.current(card).text or ""))
        assert "Remove photos" not in str(alice.current(card).reply_markup)
        await alice.press(card, "Create video")
        await telegram.wait_for(lambda: len(uniall.submissions) == 1)

    assert "image" not in uniall.submissions[0]


async def test_kie_gets_photos_through_its_upload_api(
    start_bot: StartBot, kie: FakeKie, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**kie.bot_settings()):
        before = len(telegram.messages(alice.chat.id))
        send_album(alice, [photo_bytes(1), photo_bytes(3)], caption="morning to evening")
        card = await alice.next_card(before)
        await alice.press(card, "Create video")
        await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")

    body = kie.submissions[0]
    assert body["generationType"] == "FIRST_AND_LAST_FRAMES_2_VIDEO"
    uploads = {upload.url: upload.data for upload in kie.uploads}
    assert [uploads[url] for url in body["imageUrls"]] == [photo_bytes(1), photo_bytes(3)]


async def test_gemini_gets_photos_inline(
    start_bot: StartBot, gemini: FakeGemini, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**gemini.bot_settings()):
        before = len(telegram.messages(alice.chat.id))
        telegram.send_photo(alice.user, alice.chat, photo_bytes(3), caption="it melts")
        card = await alice.next_card(before)
        await alice.press(card, "Create video")
        await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")

    instance = gemini.submissions[0]["instances"][0]
    image = instance["image"]  # as Google's SDK sends it; `inlineData` is refused
    assert base64.b64decode(image["bytesBase64Encoded"]) == photo_bytes(3)
    assert image["mimeType"] == "image/jpeg"


async def test_without_a_public_url_photo_modes_are_off_and_help_says_why(
    bot: BotRuntime, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    help_text = (await alice.say("/help")).text or ""
    assert "Photo modes are off on this bot: the operator has to set PUBLIC_BASE_URL" in help_text

    before = len(telegram.messages(alice.chat.id))
    telegram.send_photo(alice.user, alice.chat, photo_bytes(1), caption="no way")
    reply = await alice.next_message(before)

    assert reply.text == (
        "This bot cannot pass photos to Veo 3.1: the operator has to set PUBLIC_BASE_URL. "
        "Send a text prompt instead."
    )
    assert jobs.rows() == []
    assert telegram.file_downloads  # it did fetch the photo from Telegram (server side only)
