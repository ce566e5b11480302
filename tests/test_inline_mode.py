"""Inline mode (issue 13): typing @bot in any chat lists the person's own delivered videos,
each sent by its Telegram file_id with the delivery's caption; nobody else's."""

from __future__ import annotations

from typing import Any

from tests.fakes.telegram import FakeTelegram, SentMessage, TgChat, TgUser
from tests.support.harness import ALICE, BOB, Jobs, Person, StartBot

XIAOMING = TgUser(id=1003, first_name="小明", language_code="zh-hans")


async def deliver(person: Person, jobs: Jobs, prompt: str, job_id: int) -> SentMessage:
    card = await person.say(f"/video {prompt}")
    await person.press(card, "Create video")
    telegram = person.telegram
    video = await telegram.wait_for_message(
        person.chat.id, lambda m: m.kind == "video" and prompt in (m.caption or "")
    )
    await jobs.wait(job_id, "delivered")
    return video


async def inline(telegram: FakeTelegram, user: TgUser, query: str = "") -> dict[str, Any]:
    query_id = telegram.inline_query(user, query)
    return await telegram.wait_for(lambda: telegram.inline_answer(query_id))


async def test_inline_mode_lists_the_persons_own_videos_by_file_id(
    start_bot: StartBot, telegram: FakeTelegram, jobs: Jobs
) -> None:
    alice = Person(telegram, ALICE, TgChat.private(ALICE))
    bob = Person(telegram, BOB, TgChat.private(BOB))
    async with start_bot():
        fox = await deliver(alice, jobs, "a fox in the snow", 1)
        await deliver(bob, jobs, "bob's secret garden", 2)
        whale = await deliver(alice, jobs, "a whale at dusk", 3)
        everything = await inline(telegram, ALICE)
        searched = await inline(telegram, ALICE, "WHALE")
        bobs = await inline(telegram, BOB)

    results = everything["results"]
    assert [r["type"] for r in results] == ["video", "video"]
    assert [r["video_file_id"] for r in results] == [whale.file_id, fox.file_id]  # newest first
    assert [r["title"] for r in results] == ["a whale at dusk", "a fox in the snow"]
    assert results[0]["caption"] == whale.caption
    assert results[0]["description"] == "Fast · 720p · 16:9 · 8 s · 🔊 Sound"
    assert everything["is_personal"] is True
    assert "bob's secret garden" not in str(everything)
    assert [r["video_file_id"] for r in searched["results"]] == [whale.file_id]
    assert [r["title"] for r in bobs["results"]] == ["bob's secret garden"]


async def test_inline_mode_without_videos_offers_to_make_one(
    start_bot: StartBot, telegram: FakeTelegram
) -> None:
    async with start_bot():
        english = await inline(telegram, ALICE)
        chinese = await inline(telegram, XIAOMING)

    assert english["results"] == []
    assert english["button"] == {
        "text": "No videos yet: make one in a chat with me",
        "start_parameter": "inline",
    }
    assert chinese["button"]["text"] == "还没有视频：先在与我的聊天中生成一个"
