"""/stats [7d|30d]: the numbers of today (UTC) or of the last 7 or 30 days, then a chart of the
last 30 days (jobs and credits per day) as a photo."""

from __future__ import annotations

import asyncio

from telegram import InputFile

from bot.services.charts import daily_chart
from bot.services.stats import PERIODS, Report
from bot.telegram.context import Turn
from bot.telegram.i18n import t


def _listed(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items())) or "—"


def _duration(lang: str, seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes, rest = divmod(round(seconds), 60)
    if minutes:
        return t(lang, "stats.minutes", minutes=minutes, seconds=rest)
    return t(lang, "stats.seconds", seconds=rest)


def report_text(lang: str, report: Report) -> str:
    rate = report.success_rate
    vendors = ", ".join(
        t(lang, "stats.vendor", vendor=vendor, jobs=jobs, delivered=delivered)
        for vendor, (jobs, delivered) in sorted(report.vendors.items())
    )
    return t(
        lang,
        "stats.text",
        period=t(lang, "stats.today" if report.days == 1 else "stats.days", days=report.days),
        new=report.new_people,
        active=report.active_people,
        states=_listed(report.states),
        rate=f"{100 * rate:.0f}%" if rate is not None else "—",
        vendors=vendors or "—",
        spent=report.spent,
        stars=report.stars,
        payments=report.payments,
        median=_duration(lang, report.median_seconds),
        errors=_listed(report.failures),
    )


async def stats(turn: Turn, args: list[str]) -> str | None:
    found, lang = turn.services, turn.lang
    period = args[0].lower() if args else "today"
    if len(args) > 1 or period not in PERIODS:
        return t(lang, "admin.usage", usage="/stats [7d|30d]")
    await turn.reply(report_text(lang, await found.stats.report(PERIODS[period])))
    daily = await found.stats.daily()
    chart = await asyncio.to_thread(daily_chart, daily, "Last 30 days (UTC): jobs and credits")
    await turn.message.reply_photo(
        InputFile(chart, filename="stats.png"), caption=t(lang, "stats.chart")
    )
    return None
