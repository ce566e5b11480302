"""Groups (issue 13): /help@bot is short with a button to the full help in the private chat;
/balance@bot is answered privately, with a note (and, for someone who never started the bot,
a button to start it) in the group."""

from __future__ import annotations

from bot.telegram.locales import zh
from tests.fakes.telegram import FakeTelegram, SentMessage, TgChat, TgUser
from tests.support.credits import CREDITS, balance_text
from tests.support.group import BOT_USERNAME, member
from tests.support.harness import ALICE, BOB, Person, StartBot

GROUP = TgChat.group(-100500, "Friends")
XIAOMING = TgUser(id=1003, first_name="小明", language_code="zh-hans")
HELP_BUTTON = f"https://t.me/{BOT_USERNAME}?start=help"
START_BUTTON = f"https://t.me/{BOT_USERNAME}?start=balance"


def assert_balance_went_privately(telegram: FakeTelegram, private: SentMessage) -> None:
    """The private message is the balance (20 free credits a day); the group saw none of it."""
    assert private.text == balance_text(free=20, paid=0, per_day=20)
    assert not any("credits" in text for text in telegram.texts(GROUP.id))


async def test_help_in_a_group_is_short_with_a_button_to_the_full_help(
    start_bot: StartBot, telegram: FakeTelegram
) -> None:
    alice = member(telegram, ALICE, GROUP)
    xiaoming = member(telegram, XIAOMING, GROUP)
    alice_dm = Person(telegram, ALICE, TgChat.private(ALICE))
    async with start_bot():
        short = await alice.say(f"/help@{BOT_USERNAME}")
        short_zh = await xiaoming.say(f"/help@{BOT_USERNAME}")
        full = await alice_dm.say("/start help")

    assert short.text == (
        "🎬 I make short videos from a prompt (and photos). Here in the group: send "
        f"/video@{BOT_USERNAME} with the prompt and reply to my questions; "
        f"/history@{BOT_USERNAME} shows your videos.\n"
        "The full help is in a private chat with me."
    )
    assert short.buttons() == [("📖 Full help", HELP_BUTTON)]
    assert short_zh.text == zh.MESSAGES["help.group"].format(bot=BOT_USERNAME)
    assert short_zh.buttons() == [("📖 完整帮助", HELP_BUTTON)]
    assert (full.text or "").startswith("What I can do\n\n/video <prompt>")
    assert len((full.text or "").splitlines()) > 15


async def test_balance_in_a_group_is_sent_privately(
    start_bot: StartBot, telegram: FakeTelegram
) -> None:
    alice = member(telegram, ALICE, GROUP)
    alice_dm = Person(telegram, ALICE, TgChat.private(ALICE))
    async with start_bot(**CREDITS, free_credits_per_day=20):
        await alice_dm.say("/start")
        note = await alice.say(f"/balance@{BOT_USERNAME}")
        private = await telegram.wait_for(
            lambda: next((m for m in telegram.messages(ALICE.id) if "💳" in (m.text or "")), None)
        )

    assert note.text == "Alice, I sent you your balance in a private message."
    assert note.buttons() == []
    assert_balance_went_privately(telegram, private)


async def test_balance_for_someone_who_never_started_the_bot_offers_to_start_it(
    start_bot: StartBot, telegram: FakeTelegram
) -> None:
    bob = member(telegram, BOB, GROUP)
    xiaoming = member(telegram, XIAOMING, GROUP)
    telegram.never_started(BOB)
    telegram.never_started(XIAOMING)
    async with start_bot(**CREDITS, free_credits_per_day=20):
        note = await bob.say(f"/balance@{BOT_USERNAME}")
        note_zh = await xiaoming.say(f"/balance@{BOT_USERNAME}")
        started = await Person(telegram, BOB, TgChat.private(BOB)).say("/start balance")

    assert note.text == (
        "Bob, I can't write to you privately yet: open a chat with me, then send /balance there."
    )
    assert note.buttons() == [("💬 Open a private chat", START_BUTTON)]
    assert note_zh.text == zh.MESSAGES["balance.start_private"].format(name="小明")
    assert note_zh.buttons() == [("💬 打开私聊", START_BUTTON)]
    refused = [c for c in telegram.calls_to("sendMessage") if c.params["chat_id"] == BOB.id]
    assert refused[0].status == 403  # Telegram refused the first private message
    assert_balance_went_privately(telegram, started)


async def test_language_in_a_group_sets_the_menu_of_that_person_there(
    start_bot: StartBot, telegram: FakeTelegram
) -> None:
    xiaoming = member(telegram, XIAOMING, GROUP)
    async with start_bot():
        choose = await xiaoming.say(f"/language@{BOT_USERNAME}")
        await xiaoming.press(choose, "English")
        scope = {"type": "chat_member", "chat_id": GROUP.id, "user_id": XIAOMING.id}
        menu = await telegram.wait_for(lambda: telegram.my_commands(scope=scope))

    assert (menu[0]["command"], menu[0]["description"]) == ("video", "Make a video")
    assert telegram.my_commands(scope={"type": "chat", "chat_id": GROUP.id}) == []
