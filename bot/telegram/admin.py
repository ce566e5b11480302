"""Admin commands in the chat: /grant /ban /unban /allow /stats /jobs /refund /refundstars
/health /broadcast. /grant, /refund and /broadcast answer with a card to confirm
(bot/telegram/admin_confirm.py); the person concerned is told what happened."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram.error import TelegramError

from bot.domain.admin_actions import ActionKind, ActionPayload
from bot.domain.jobs import JobState
from bot.telegram.admin_confirm import propose
from bot.telegram.admin_notices import describe, tell, told
from bot.telegram.context import Callback, Turn, on_update, text_after_command
from bot.telegram.i18n import t
from bot.telegram.render import shorten

# An admin command: the answer to reply with, or None when it answered itself (a card).
AdminHandler = Callable[[Turn, list[str]], Awaitable[str | None]]

MAX_ID = 2**63 - 1  # Telegram's user ids and our job ids: positive 64-bit integers
MAX_GRANT = 1_000_000  # credits one /grant may add or take back


def admin_only(handler: AdminHandler) -> Callback:
    """Run `handler` for admins; everyone else gets a plain refusal."""

    async def run(turn: Turn) -> None:
        turn.require_admin()
        answer = await handler(turn, turn.context.args or [])
        if answer is not None:
            await turn.reply(answer)

    return on_update(run)


def _number(text: str, low: int, high: int) -> int | None:
    """`text` as a whole number from `low` to `high`, else None (also for non-ASCII digits)."""
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if low <= value <= high else None


def _ids(args: list[str], count: int) -> list[int] | None:
    """Exactly `count` ids, each a positive 64-bit integer."""
    ids = [_number(arg, 1, MAX_ID) for arg in args]
    if len(args) != count or None in ids:
        return None
    return [i for i in ids if i is not None]


async def grant(turn: Turn, args: list[str]) -> str | None:
    """/grant <user id> <credits>: who and what, with ✅ Confirm (a negative amount takes back)."""
    found, lang = turn.services, turn.lang
    ids = _ids(args[:1], 1) if len(args) == 2 else None
    amount = _number(args[1], -MAX_GRANT, MAX_GRANT) if len(args) == 2 else None
    if ids is None or not amount:
        return t(lang, "admin.usage", usage="/grant <user id> <credits>")
    [user_id] = ids
    who = describe(lang, await found.people.profile(user_id))
    total = (await found.credits.balance(user_id)).total
    key = "admin.grant_confirm" if amount > 0 else "admin.take_confirm"
    text = t(lang, key, amount=abs(amount), who=who, total=total)
    payload = ActionPayload(user_id=user_id, amount=amount)
    await propose(turn, ActionKind.GRANT, payload, text)
    return None


async def _access(turn: Turn, args: list[str], usage: str, key: str, **flags: bool) -> str:
    """Ban, unban or allow someone, and tell them (in their language)."""
    found, lang = turn.services, turn.lang
    numbers = _ids(args, 1)
    if numbers is None:
        return t(lang, "admin.usage", usage=usage)
    [user_id] = numbers
    await found.credits.set_access(user_id, **flags)
    banned = flags.get("banned")
    news = "access.allowed" if banned is None else "access.banned" if banned else "access.unbanned"
    delivered = await tell(turn.bot, found, user_id, news)
    who = describe(lang, await found.people.profile(user_id))
    return f"{t(lang, key, user=who)} {told(lang, delivered)}"


async def ban(turn: Turn, args: list[str]) -> str:
    return await _access(turn, args, "/ban <user id>", "admin.banned", banned=True)


async def unban(turn: Turn, args: list[str]) -> str:
    return await _access(turn, args, "/unban <user id>", "admin.unbanned", banned=False)


async def allow(turn: Turn, args: list[str]) -> str:
    return await _access(turn, args, "/allow <user id>", "admin.allowed", allowed=True)


MAX_BROADCAST = 3800  # characters: the text and its card's header fit one message


async def broadcast(turn: Turn, args: list[str]) -> str | None:
    """/broadcast <text>: to everyone who has used the bot, after ✅ Confirm."""
    found, lang = turn.services, turn.lang
    text = text_after_command(turn.message) or ""
    if not text:
        return t(lang, "admin.usage", usage="/broadcast <text>")
    if len(text) > MAX_BROADCAST:
        return t(lang, "broadcast.too_long", length=len(text), most=MAX_BROADCAST)
    count = len(await found.broadcasts.recipients())
    card = t(lang, "broadcast.confirm", count=count, text=text)
    await propose(turn, ActionKind.BROADCAST, ActionPayload(text=text), card)
    return None


async def jobs(turn: Turn, args: list[str]) -> str:
    found, lang = turn.services, turn.lang
    now = found.credits.now()
    lines = [
        t(
            lang,
            "admin.job_line",
            id=job.id,
            state=job.state.value,
            minutes=int((now - job.created_at) // 60),
            vendor=job.vendor,
            task=job.vendor_task_id or "—",
            user=job.user_id,
        )
        for job in await found.jobs.unfinished()
    ]
    return "\n".join([t(lang, "admin.jobs_title"), *lines]) if lines else t(lang, "admin.no_jobs")


async def refund(turn: Turn, args: list[str]) -> str | None:
    """/refund <job id>: the job, its person and its price, with ✅ Confirm."""
    found, lang = turn.services, turn.lang
    numbers = _ids(args, 1)
    if numbers is None:
        return t(lang, "admin.usage", usage="/refund <job id>")
    job = await found.jobs.get(numbers[0])
    if (
        job is None
        or job.state is not JobState.DELIVERED
        or job.price <= 0
        or await found.credits.refunded([job.id])
    ):
        return t(lang, "admin.nothing_to_refund", id=numbers[0])
    who = describe(lang, await found.people.profile(job.user_id))
    prompt = job.request.prompt or "—"
    text = t(
        lang,
        "admin.refund_confirm",
        id=job.id,
        amount=job.price,
        who=who,
        vendor=job.vendor,
        prompt=shorten(prompt, 200),
    )
    await propose(turn, ActionKind.REFUND, ActionPayload(job_id=job.id), text)
    return None


async def refund_stars(turn: Turn, args: list[str]) -> str:
    found, lang = turn.services, turn.lang
    if len(args) != 1:
        return t(lang, "admin.usage", usage="/refundstars <telegram payment charge id>")
    charge_id = args[0]
    payment = await found.credits.refundable_payment(charge_id)
    if payment is None:
        return t(lang, "admin.stars_not_refundable", charge=charge_id)
    user_id, credits = payment
    try:
        await turn.bot.refund_star_payment(user_id, charge_id)
    except TelegramError as exc:
        return t(lang, "admin.stars_refund_failed", reason=exc.message)
    await found.credits.revoke_purchase(charge_id)
    return t(lang, "admin.stars_refunded", charge=charge_id, user=user_id, credits=credits)


async def health(turn: Turn, args: list[str]) -> str:
    """/health: what /healthz says, plus what went wrong (a vendor's last error)."""
    lang, check = turn.lang, turn.context.bot_data.health
    if check is None:
        raise RuntimeError("the health check is not attached to the application")
    lines = [
        t(
            lang,
            "admin.health_vendor" if part.vendor else "admin.health_part",
            name=part.name,
            state=part.state,
            detail=t(lang, "admin.health_detail", detail=part.detail) if part.detail else "",
        )
        for part in await check.parts()
    ]
    return "\n".join([t(lang, "admin.health_title"), *lines])
