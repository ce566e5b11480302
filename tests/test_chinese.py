"""The same flows in Simplified Chinese, for people whose Telegram is set to Chinese."""

from __future__ import annotations

import pytest

from bot.app import BotRuntime
from tests.fakes.media import sample_mp4_bytes
from tests.fakes.telegram import FakeTelegram, SentMessage, TgChat, TgUser
from tests.fakes.uniall import FakeUniAll
from tests.support.group import FORCE_REPLY_ZH, force_reply_targets, member
from tests.support.harness import ALICE, Jobs, Person

XIAOMING = TgUser(id=1003, first_name="小明", language_code="zh-hans")
GROUP = TgChat.group(-1002468, "视频爱好者")
PROMPT = "一只红狐狸在日出时穿过新雪奔跑"
DEFAULT_SETTINGS = "快速 · 720p · 16:9 · 8 秒 · 🔊 有声"

START = (
    "👋 你好，小明！我用 Google 的 Veo 3.1 制作短视频。\n\n"
    "发送 /video 加上你想看到的画面，例如：\n"
    "/video 一只红狐狸在日出时穿过新雪奔跑\n\n"
    "你会收到一张选项卡片（速度、分辨率、画幅、时长、声音）。"
    "点 ▶️ 生成视频，视频做好后会发到这里，通常需要 1–5 分钟。\n\n"
    "/help 列出我能做的一切。"
    # no ADMIN_USER_IDS yet: the greeting tells an admin-to-be their id
    "\n\n🔑 你的 Telegram id 是 1003。这个机器人还没有管理员：在它的 .env 里写上 "
    "ADMIN_USER_IDS=1003 就能成为管理员。"
)
HELP_ZH = (
    "我能做什么\n\n"
    "/video <提示词> — 生成视频（也可以用照片：在 /video 之后发送）\n"
    "/history — 最近的视频，可以再次获取\n"
    "/settings — 新卡片的默认选项\n"
    "/language — English 或 中文\n"
    "/extend — 回复我生成的视频来续写\n"
    "/cancel — 关闭卡片，或取消尚未开始的任务\n"
    "/help — 显示本消息\n\n"
    "视频由 Veo 3.1 生成。\n"
    "• 类型：纯文字\n"
    "• 速度：快速、高质量\n"
    "• 分辨率：720p、1080p、4K\n"
    "• 画幅：16:9、9:16\n"
    "• 时长：4、6、8 秒\n"
    "• 提示词：最多 2000 个字符\n"
    "• 声音：开或关\n"
    "• 种子：0–4294967295\n"
    "• 反向提示词（要避免的内容）\n"
    "• ➕ 续写已送达的视频（按钮，或用 /extend 回复它）\n\n"
    "本机器人未开启照片模式：管理员需要设置 PUBLIC_BASE_URL，视频服务才能获取照片。"
)
HELP_EN_START = (
    "What I can do\n\n/video <prompt> — make a video (photos too: send them after /video)\n"
)
ASK_PROMPT = "✍️ 请发送提示词：用一条消息描述你想要的视频。"
# The beginning of every status text a Chinese job may show.
STATUS_PREFIXES = (
    "⏳ 任务 #1：排在第 1 位",
    "📨 任务 #1：正在提交给 Veo 3.1…",
    "🎬 任务 #1：Veo 3.1 正在生成视频…",
    "⬇️ 任务 #1：视频已生成，正在下载…",
    "📤 任务 #1：正在发送视频…",
    "✅ 任务 #1 已完成（由 Veo 3.1 生成）。",
    "❌ 任务 #1 失败：",
)


def card_text(prompt: str, settings: str = DEFAULT_SETTINGS) -> str:
    return f"🎬 新视频\n\n📝 {prompt}\n\n⚙️ {settings}\n\n点选项可以修改，然后点 ▶️ 生成视频。"


def labels(message: SentMessage) -> list[str]:
    return [label for label, _ in message.buttons()]


def status_texts(message: SentMessage) -> list[str]:
    """The texts the card showed once it became the job's status message."""
    texts = [str(edit["text"]) for edit in message.edits if "text" in edit]
    return [text for text in texts if not text.startswith("🎬 新视频")]


@pytest.fixture
def xiaoming(telegram: FakeTelegram) -> Person:
    return Person(telegram, XIAOMING, TgChat.private(XIAOMING))


async def test_a_chinese_conversation_from_start_to_video(
    bot: BotRuntime, telegram: FakeTelegram, uniall: FakeUniAll, xiaoming: Person, jobs: Jobs
) -> None:
    greeting = await xiaoming.say("/start")
    assert greeting.text == START

    ask = await xiaoming.say("/video")
    assert ask.text == ASK_PROMPT

    card = await xiaoming.say(PROMPT)
    prompt_id = xiaoming.last_sent_id
    assert card.text == card_text(PROMPT)
    assert labels(card) == [
        "✅ 快速",
        "高质量",
        "✅ 720p",
        "1080p",
        "4K",
        "✅ 16:9 横屏",
        "9:16 竖屏",
        "4 秒",
        "6 秒",
        "✅ 8 秒",
        "✅ 🔊 有声",
        "🔇 静音",
        "🎲 种子…",
        "🚫 避免…",
        "✖️ 取消",
        "▶️ 生成视频",
    ]

    for label in ("高质量", "1080p", "9:16 竖屏", "静音"):
        assert (await xiaoming.press(card, label)).get("text") is None
    settings = "高质量 · 1080p · 9:16 · 8 秒 · 🔇 静音"
    await xiaoming.sees(card, card_text(PROMPT, settings))
    assert "✅ 高质量" in labels(xiaoming.current(card))

    await xiaoming.press(card, "生成视频")
    video = await telegram.wait_for_message(xiaoming.chat.id, lambda m: m.kind == "video")
    done = await xiaoming.showing(card, "已完成")

    assert done == f"✅ 任务 #1 已完成（由 Veo 3.1 生成）。\n\n{PROMPT}\n⚙️ {settings}"
    shown = status_texts(xiaoming.current(card))
    assert shown[0] == f"⏳ 任务 #1：排在第 1 位\n\n{PROMPT}\n⚙️ {settings}"
    assert all(text.startswith(STATUS_PREFIXES) for text in shown), shown
    [queued] = [e for e in xiaoming.current(card).edits if e.get("text") == shown[0]]
    assert queued["reply_markup"]["inline_keyboard"][0][0]["text"] == "✖️ 取消任务"

    assert video.video_bytes == sample_mp4_bytes()
    assert video.reply_to_message_id == prompt_id
    assert video.caption == f"{PROMPT}\n\n⚙️ {settings}"
    assert labels(video) == ["🔁 再来一次", "✏️ 换提示词", "📨 再发一次", "➕ 续写"]
    [job] = jobs.rows()
    assert (job["language"], job["state"]) == ("zh", "delivered")


async def test_a_vendor_failure_is_explained_in_chinese(
    bot: BotRuntime, telegram: FakeTelegram, uniall: FakeUniAll, xiaoming: Person, jobs: Jobs
) -> None:
    uniall.play_failure("Your prompt was flagged by the content policy")
    card = await xiaoming.say(f"/video {PROMPT}")
    await xiaoming.press(card, "生成视频")
    failed = await xiaoming.showing(card, "失败")

    assert failed == (
        "❌ 任务 #1 失败：Veo 3.1 不能生成这个视频：提示词或照片似乎违反了内容规则。"
        "请修改提示词后重试。"
        f"\n\n{PROMPT}\n⚙️ {DEFAULT_SETTINGS}"
    )
    assert all(text.startswith(STATUS_PREFIXES) for text in status_texts(xiaoming.current(card)))
    assert telegram.calls_to("sendVideo") == []
    assert jobs.rows()[0]["state"] == "failed"


async def test_help_in_chinese(bot: BotRuntime, telegram: FakeTelegram, xiaoming: Person) -> None:
    answer = await xiaoming.say("/help")
    assert answer.text == HELP_ZH


async def test_the_command_menu_has_a_chinese_version(
    bot: BotRuntime, telegram: FakeTelegram
) -> None:
    menu = await telegram.wait_for(lambda: telegram.my_commands(language_code="zh"))
    assert [(c["command"], c["description"]) for c in menu] == [
        ("video", "生成视频"),
        ("history", "最近的视频"),
        ("settings", "新视频的默认选项"),
        ("language", "切换语言"),
        ("extend", "续写视频（回复它）"),
        ("cancel", "关闭卡片或取消排队中的任务"),
        ("help", "机器人能做什么"),
        ("start", "开始"),
    ]


async def test_language_switches_a_chinese_user_to_english_and_back(
    bot: BotRuntime, telegram: FakeTelegram, xiaoming: Person
) -> None:
    choose = await xiaoming.say("/language")
    assert choose.text == "请选择语言："
    assert labels(choose) == ["English", "中文"]

    assert (await xiaoming.press(choose, "English")).get("text") is None
    await xiaoming.sees(choose, "✅ I will speak English with you.")

    help_text = await xiaoming.say("/help")
    assert (help_text.text or "").startswith(HELP_EN_START)
    assert "Videos are made by Veo 3.1." in (help_text.text or "")
    card = await xiaoming.say(f"/video {PROMPT}")
    assert card.text == (
        f"🎬 New video\n\n📝 {PROMPT}\n\n⚙️ Fast · 720p · 16:9 · 8 s · 🔊 Sound\n\n"
        "Tap an option to change it, then ▶️ Create video."
    )

    choose_again = await xiaoming.say("/language")
    assert choose_again.text == "Choose the language:"
    assert labels(choose_again) == ["English", "中文"]
    await xiaoming.press(choose_again, "中文")
    await xiaoming.sees(choose_again, "✅ 我会用中文和你交流。")
    assert (await xiaoming.say("/start")).text == START


async def test_wrong_input_is_answered_in_chinese(
    bot: BotRuntime, telegram: FakeTelegram, xiaoming: Person, jobs: Jobs
) -> None:
    too_long = await xiaoming.say("/video " + "雪" * 2345)
    assert too_long.text == "提示词有 2345 个字符，Veo 3.1 最多接受 2000 个。请缩短后重新发送。"

    ask = await xiaoming.say("/video")
    assert ask.text == ASK_PROMPT
    before = len(telegram.messages(xiaoming.chat.id))
    telegram.send_sticker(XIAOMING, xiaoming.chat)
    need_text = await xiaoming.next_message(before)
    assert need_text.text == "我需要文字形式的提示词：发一条描述视频的消息，或发送 /cancel。"

    card = await xiaoming.say(PROMPT)
    answer = await xiaoming.press_data(card.message_id, "v1|c|999")
    assert answer["text"] == "这个按钮已失效。发送 /video 重新开始。"

    xiaoming.send("/cancel")
    cancelled = await xiaoming.showing(card, "已取消")
    assert cancelled == "已取消。发送 /video 重新开始。"
    assert (await xiaoming.say("/cancel")).text == "没有可以取消的内容。"
    assert jobs.rows() == []


async def test_in_a_group_each_person_gets_their_own_language(
    bot: BotRuntime, telegram: FakeTelegram, jobs: Jobs
) -> None:
    xiaoming = member(telegram, XIAOMING, GROUP)
    alice = member(telegram, ALICE, GROUP)

    ask = await xiaoming.say("/video@veo_test_bot")
    assert ask.text == f"小明，请回复这条消息。{ASK_PROMPT}"
    assert ask.reply_markup == FORCE_REPLY_ZH
    assert force_reply_targets(telegram, ask) == {XIAOMING.id}
    card = await xiaoming.say(PROMPT, reply_to=ask.message_id)
    assert card.text == card_text(PROMPT)

    alice_card = await alice.say("/video@veo_test_bot a red fox in the snow")
    assert (alice_card.text or "").startswith("🎬 New video")

    answer = await alice.press(card, "1080p")
    assert (answer["text"], answer["show_alert"]) == (
        "This card belongs to someone else. Start your own with /video.",
        True,
    )
    answer = await xiaoming.press(alice_card, "1080p")
    assert (answer["text"], answer["show_alert"]) == (
        "这张卡片属于别人。用 /video 开始你自己的。",
        True,
    )
    assert xiaoming.current(card).text == card_text(PROMPT)

    await xiaoming.press(card, "生成视频")
    video = await telegram.wait_for_message(GROUP.id, lambda m: m.kind == "video")
    done = await xiaoming.showing(card, "已完成")
    assert done == f"✅ 任务 #1 已完成（由 Veo 3.1 生成）。\n\n{PROMPT}\n⚙️ {DEFAULT_SETTINGS}"
    assert video.caption == f"{PROMPT}\n\n⚙️ {DEFAULT_SETTINGS}"
    assert video.reply_to_message_id == xiaoming.last_sent_id
    [job] = jobs.rows()
    assert (job["user_id"], job["chat_id"], job["language"]) == (XIAOMING.id, GROUP.id, "zh")
