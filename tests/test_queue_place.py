"""A queued job's status (issue 13): its place in line and, from recent jobs of its vendor and
options, the typical wait ("⏳ Job #3: 1st in line · usually ready in about 2 min")."""

from __future__ import annotations

from tests.fakes.steps import delay
from tests.fakes.telegram import FakeTelegram, SentMessage, TgChat, TgUser
from tests.fakes.uniall import FakeUniAll, completed, in_progress
from tests.support.harness import Jobs, OffsetClock, Person, StartBot

XIAOMING = TgUser(id=1003, first_name="小明", language_code="zh-hans")
STALL = 4.0  # the vendor holds the first submit this long; the others wait in line
ONE_AT_A_TIME = {"max_concurrent_vendor_calls": 1, "vendor_timeout_seconds": 10.0}


async def create(person: Person, prompt: str, *labels: str) -> SentMessage:
    card = await person.say(f"/video {prompt}")
    for label in labels:
        await person.press(card, label)
    await person.press(card, "Create video" if person.user.language_code == "en" else "生成视频")
    return card


async def queued_status(person: Person, card: SentMessage) -> str:
    """The first status the card became (the queued one)."""

    def first() -> str | None:
        edits = [e.get("text") for e in person.current(card).edits if e.get("text")]
        status = [text for text in edits if str(text).startswith("⏳")]
        return str(status[0]) if status else None

    return await person.telegram.wait_for(first)


async def test_queued_jobs_show_their_place_and_no_wait_without_history(
    start_bot: StartBot, uniall: FakeUniAll, alice: Person, jobs: Jobs
) -> None:
    uniall.submit_faults = [delay(STALL)]
    async with start_bot(**ONE_AT_A_TIME):
        await create(alice, "the first one")
        await jobs.wait(1, "submitting")
        second = await create(alice, "the second one")
        third = await create(alice, "the third one")

        assert await queued_status(alice, second) == (
            "⏳ Job #2: 1st in line\n\nthe second one\n⚙️ Fast · 720p · 16:9 · 8 s · 🔊 Sound"
        )
        assert (await queued_status(alice, third)).startswith("⏳ Job #3: 2nd in line\n\n")
        await jobs.wait(3, "delivered")


async def test_the_typical_wait_comes_from_recent_jobs_of_the_same_vendor_and_options(
    start_bot: StartBot,
    telegram: FakeTelegram,
    uniall: FakeUniAll,
    alice: Person,
    jobs: Jobs,
    clock: OffsetClock,
) -> None:
    xiaoming = Person(telegram, XIAOMING, TgChat.private(XIAOMING))
    async with start_bot(**ONE_AT_A_TIME):
        # history: one Fast 720p video that took two minutes from ▶️ Create to delivery
        uniall.script = [*[in_progress(50)] * 40, completed()]
        await create(alice, "a slow one")
        await jobs.wait(1, "running")
        clock.advance(120)
        await jobs.wait(1, "delivered")

        uniall.play_success()
        uniall.submit_faults = [delay(STALL)]
        await create(alice, "held at the vendor")
        await jobs.wait(2, "submitting")
        same = await create(alice, "the same options")
        other = await create(alice, "another resolution", "1080p")
        chinese = await create(xiaoming, "同样的选项")

        assert (await queued_status(alice, same)).startswith(
            "⏳ Job #3: 1st in line · usually ready in about 2 min\n\nthe same options\n"
        )
        assert (await queued_status(alice, other)).startswith("⏳ Job #4: 2nd in line\n\n")
        assert (await queued_status(xiaoming, chinese)).startswith(
            "⏳ 任务 #5：排在第 3 位 · 通常约 2 分钟完成\n\n同样的选项\n"
        )
        await jobs.wait(5, "delivered")
