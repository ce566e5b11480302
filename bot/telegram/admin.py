"""Admin commands in the chat: /grant /ban /unban /allow /stats /jobs /refund /refundstars
/health."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram.error import TelegramError

from bot.domain.credits import day_start
from bot.domain.errors import Refusal
from bot.telegram.context import Callback, Turn, on_update
from bot.telegram.i18n import t

AdminHandler = Callable[[Turn, list[str]], Awaitable[str]]

MAX_ID = 2**63 - 1  # Telegram's user ids and our job ids: positive 64-bit integers
MAX_GRANT = 1_000_000  # credits one /grant may add or take back


def admin_only(handler: AdminHandler) -> Callback:
    """Run `handler` for admins; everyone else gets a plain refusal."""

    async def run(turn: Turn) -> None:
        if not turn.services.credits.is_admin(turn.user.id):
            raise Refusal("admin.only")
        await turn.reply(await handler(turn, turn.context.args or []))

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


async def grant(turn: Turn, args: list[str]) -> str:
    found, lang = turn.services, turn.lang
    ids = _ids(args[:1], 1) if len(args) == 2 else None
    amount = _number(args[1], -MAX_GRANT, MAX_GRANT) if len(args) == 2 else None
    if ids is None or not amount:
        return t(lang, "admin.usage", usage="/grant <user id> <credits>")
    [user_id] = ids
    key = f"grant:{turn.update.update_id}"
    admin = turn.user.id
    moved = await found.credits.grant(user_id, amount, key, note=f"by admin {admin}")
    total = (await found.credits.balance(user_id)).total
    return t(lang, "admin.granted", amount=moved, user=user_id, total=total)


async def _access(turn: Turn, args: list[str], usage: str, key: str, **flags: bool) -> str:
    found, lang = turn.services, turn.lang
    numbers = _ids(args, 1)
    if numbers is None:
        return t(lang, "admin.usage", usage=usage)
    await found.credits.set_access(numbers[0], **flags)
    return t(lang, key, user=numbers[0])


async def ban(turn: Turn, args: list[str]) -> str:
    return await _access(turn, args, "/ban <user id>", "admin.banned", banned=True)


async def unban(turn: Turn, args: list[str]) -> str:
    return await _access(turn, args, "/unban <user id>", "admin.unbanned", banned=False)


async def allow(turn: Turn, args: list[str]) -> str:
    return await _access(turn, args, "/allow <user id>", "admin.allowed", allowed=True)


async def stats(turn: Turn, args: list[str]) -> str:
    found, lang = turn.services, turn.lang
    since = day_start(found.credits.now())
    states, kinds = await found.jobs.counts_since(since)
    finished = sum(states.get(s, 0) for s in ("delivered", "failed", "expired"))
    rate = f"{100 * states.get('delivered', 0) / finished:.0f}%" if finished else "—"
    by_state = ", ".join(f"{state} {count}" for state, count in sorted(states.items())) or "—"
    errors = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())) or "—"
    spent = await found.credits.spent_since(since)
    return t(lang, "admin.stats", states=by_state, rate=rate, spent=spent, errors=errors)


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


async def refund(turn: Turn, args: list[str]) -> str:
    found, lang = turn.services, turn.lang
    numbers = _ids(args, 1)
    if numbers is None:
        return t(lang, "admin.usage", usage="/refund <job id>")
    returned = await found.credits.refund_job(numbers[0])
    if not returned:
        return t(lang, "admin.nothing_to_refund", id=numbers[0])
    return t(lang, "admin.refunded", id=numbers[0], amount=returned)


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
