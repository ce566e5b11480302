"""Issue 13, the places where a person was stuck: /paysupport names a real contact, the menus
and the description, a banned person's one answer, a 4th photo, 📨 Send again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings
from bot.telegram.locales import en, zh
from tests.fakes.gemini import FakeGemini
from tests.fakes.media import photo_bytes
from tests.fakes.telegram import FakeTelegram, SentMessage, TgChat, TgUser
from tests.fakes.telegram_models import visible_text
from tests.support.credits import CREDITS, OLGA, open_card, text_of
from tests.support.harness import ALICE, Jobs, Person, StartBot, settle
from tests.support.process import bot_env

XIAOMING = TgUser(id=1003, first_name="小明", language_code="zh-hans")
BANNED = "You are not allowed to use this bot."
CONTACT = "@veo_help <help@example.com>"


@pytest.fixture
def xiaoming(telegram: FakeTelegram) -> Person:
    return Person(telegram, XIAOMING, TgChat.private(XIAOMING))


def shown(message: SentMessage) -> str:
    """The text as the person reads it (HTML tags gone, entities decoded)."""
    return visible_text(message.text or "", message.params.get("parse_mode"))


# --- /paysupport ---------------------------------------------------------------------------


async def test_paysupport_names_the_support_contact_in_each_language(
    start_bot: StartBot, alice: Person, xiaoming: Person
) -> None:
    async with start_bot(credits_enabled=True, support_contact=CONTACT):
        english = await alice.say("/paysupport")
        chinese = await xiaoming.say("/paysupport")

    assert shown(english) == (
        f"Problems with a payment? Write to {CONTACT} with the time of the payment. "
        "Credits that are still unspent can be refunded in Stars."
    )
    assert shown(chinese) == (
        f"支付有问题？请联系 {CONTACT} 并说明支付时间。尚未使用的点数可以退回星星。"
    )


async def test_without_a_contact_paysupport_links_the_admins(
    start_bot: StartBot, alice: Person, xiaoming: Person
) -> None:
    async with start_bot(credits_enabled=True, admin_user_ids=(OLGA.id, 4343)):
        english = await alice.say("/paysupport")
        chinese = await xiaoming.say("/paysupport")

    link = '<a href="tg://user?id={id}">{label}</a>'
    assert english.text is not None
    assert link.format(id=OLGA.id, label="the admin") in english.text
    assert link.format(id=4343, label="the admin") in english.text
    assert shown(english).startswith(
        "Problems with a payment? Write to the admin, the admin with the time"
    )
    assert chinese.text is not None
    assert link.format(id=OLGA.id, label="管理员") in chinese.text
    assert shown(chinese).startswith("支付有问题？请联系 管理员、管理员 并说明支付时间。")
    assert "admin" not in shown(chinese)


def test_credits_without_a_contact_or_admins_stop_the_start_with_one_line(
    tmp_path: Path,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=bot_env(tmp_path, CREDITS_ENABLED="true"),
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )

    assert result.stderr == (
        "configuration error: SUPPORT_CONTACT is required with CREDITS_ENABLED=true: who people "
        "write to about a payment (an @username, an email or a link), or set ADMIN_USER_IDS\n"
    )
    assert result.returncode == 2
    # either one is enough
    Settings(_env_file=None, **bot_settings(credits_enabled=True, support_contact="@x"))  # type: ignore[call-arg]
    Settings(_env_file=None, **bot_settings(credits_enabled=True, admin_user_ids=(1,)))  # type: ignore[call-arg]


def bot_settings(**overrides: object) -> dict[str, object]:
    return {
        "telegram_bot_token": "1:x",
        "vendor": "uniall",
        "vendor_api_key": "k",
        "vendor_base_url": "https://vendor.example",
        **overrides,
    }


# --- the menus and the description ---------------------------------------------------------


def commands(telegram: FakeTelegram, **where: object) -> list[tuple[str, str]]:
    return [(c["command"], c["description"]) for c in telegram.my_commands(**where)]  # type: ignore[arg-type]


async def test_a_bot_that_sells_lists_paysupport_and_terms_in_its_menus(
    start_bot: StartBot, telegram: FakeTelegram
) -> None:
    async with start_bot(**CREDITS):
        english = await telegram.wait_for(lambda: commands(telegram))
        chinese = await telegram.wait_for(lambda: commands(telegram, language_code="zh"))

    assert english[-2:] == [
        ("paysupport", "Help with a payment"),
        ("terms", "Terms of the credits"),
    ]
    assert chinese[-2:] == [("paysupport", "支付帮助"), ("terms", "点数使用条款")]


async def test_a_free_bot_leaves_payments_out_of_its_menu(
    start_bot: StartBot, telegram: FakeTelegram
) -> None:
    async with start_bot():
        english = await telegram.wait_for(lambda: commands(telegram))

    names = [name for name, _ in english]
    assert not {"paysupport", "terms", "balance", "buy"} & set(names)


async def test_language_sets_the_persons_own_menu_in_their_chat(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person
) -> None:
    async with start_bot(**CREDITS):
        choose = await alice.say("/language")
        await alice.press(choose, "中文")
        scope = {"type": "chat", "chat_id": ALICE.id}
        own = await telegram.wait_for(lambda: commands(telegram, scope=scope))
        await alice.say("/language")  # and back
        await alice.press(telegram.last_message(alice.chat.id), "English")
        await telegram.wait_for(lambda: commands(telegram, scope=scope)[0][1] == "Make a video")

    assert own[0] == ("video", "生成视频")
    assert ("paysupport", "支付帮助") in own
    assert commands(telegram)[0] == ("video", "Make a video")  # everyone else's is unchanged


async def test_the_description_is_set_once_in_both_languages(
    start_bot: StartBot, telegram: FakeTelegram
) -> None:
    for _ in range(2):
        async with start_bot():
            pass

    assert telegram.descriptions == {
        "": en.MESSAGES["description"],
        "zh": zh.MESSAGES["description"],
    }
    assert telegram.short_descriptions == {
        "": en.MESSAGES["description.short"],
        "zh": zh.MESSAGES["description.short"],
    }
    # the second start found them set
    assert len(telegram.calls_to("setMyDescription")) == 2
    assert len(telegram.calls_to("setMyShortDescription")) == 2
    assert len(telegram.calls_to("getMyDescription")) == 4


# --- a banned person -------------------------------------------------------------------------


async def test_a_banned_person_gets_one_answer_to_everything(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, olga: Person, jobs: Jobs
) -> None:
    async with start_bot(**CREDITS, free_credits_per_day=30):
        card = await open_card(alice, "a lighthouse")
        banned = await text_of(olga, f"/ban {ALICE.id}")
        assert banned == f"Alice (id {ALICE.id}) is banned. They were told."
        told = await telegram.wait_for_message(
            alice.chat.id, lambda m: m.text == "🚫 An admin has banned you from this bot."
        )
        before = len(telegram.messages(alice.chat.id))

        answers = [await text_of(alice, text) for text in ("/start", "/help", "/video a", "hi")]
        pressed = await alice.press(card, "Create video")
        await settle(telegram)
        support = await text_of(alice, "/paysupport")

    assert told.message_id < telegram.messages(alice.chat.id)[before].message_id
    assert answers == [BANNED] * 4
    assert len(telegram.messages(alice.chat.id)) == before + 5  # one answer each, no greeting
    assert (pressed.get("text"), pressed.get("show_alert")) == (BANNED, True)
    assert support.startswith("Problems with a payment?")
    assert jobs.rows() == []


# --- a 4th photo -----------------------------------------------------------------------------


async def three_photos_then_one(person: Person) -> tuple[SentMessage, str, SentMessage]:
    """An album of three (the card), then a 4th photo; the card, its text, the answer."""
    telegram = person.telegram
    before = len(telegram.messages(person.chat.id))
    for i in (1, 2, 3):
        telegram.send_photo(person.user, person.chat, photo_bytes(i), media_group_id="a1")
    card = await person.next_message(before)
    text = await telegram.wait_for(lambda: person.current(card).text)
    before = len(telegram.messages(person.chat.id))
    telegram.send_photo(person.user, person.chat, photo_bytes(1))
    return card, text, await person.next_message(before)


async def test_a_fourth_photo_leaves_the_three_photo_card_as_it_is(
    start_bot: StartBot,
    gemini: FakeGemini,
    telegram: FakeTelegram,
    alice: Person,
    xiaoming: Person,
) -> None:
    async with start_bot(**gemini.bot_settings()):
        card, text, answer = await three_photos_then_one(alice)
        await settle(telegram)
        card_zh, text_zh, answer_zh = await three_photos_then_one(xiaoming)
        await settle(telegram)

    assert answer.text == (
        "🖼 A video takes at most 3 photos, so the card keeps the first 3; the rest were left out."
    )
    assert answer_zh.text == "🖼 一个视频最多用 3 张照片，卡片保留前 3 张，其余的没有加入。"
    assert "3 photo(s)" in text
    assert alice.current(card).text == text  # the card is still fine
    assert xiaoming.current(card_zh).text == text_zh
    assert "start over" not in (answer.text or "")


# --- 📨 Send again ---------------------------------------------------------------------------


async def test_send_again_has_the_caption_and_buttons_of_the_delivery(
    start_bot: StartBot, telegram: FakeTelegram, alice: Person, jobs: Jobs
) -> None:
    async with start_bot():
        card = await alice.say("/video a paper boat on a puddle")
        await alice.press(card, "Create video")
        video = await telegram.wait_for_message(alice.chat.id, lambda m: m.kind == "video")
        await jobs.wait(1, "delivered")
        await alice.press(video, "Send again")
        again = await telegram.wait_for_message(
            alice.chat.id, lambda m: m.kind == "video" and m.message_id != video.message_id
        )

    assert again.caption == video.caption
    assert again.caption == "a paper boat on a puddle\n\n⚙️ Fast · 720p · 16:9 · 8 s · 🔊 Sound"
    assert again.buttons() == alice.current(video).buttons()
    assert [label for label, _ in again.buttons()][:3] == [
        "🔁 Again",
        "✏️ New prompt",
        "📨 Send again",
    ]
