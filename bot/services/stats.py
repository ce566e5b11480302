"""/stats for the admins: people, jobs per state and vendor, success, spend, Stars, speed."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.domain.credits import day_start
from bot.services.ports import Clock
from bot.store.stats import StatsStore

DAY = 86400.0
CHART_DAYS = 30
PERIODS: dict[str, int] = {"today": 1, "7d": 7, "30d": 30}
FINISHED = ("delivered", "failed", "expired")


@dataclass(frozen=True)
class Report:
    days: int  # 1: today (UTC); else today and the days before it
    new_people: int
    active_people: int
    states: dict[str, int]
    vendors: dict[str, tuple[int, int]]  # vendor: (jobs, delivered)
    failures: dict[str, int]
    spent: int
    stars: int
    payments: int
    median_seconds: float | None  # from the request to the delivered video

    @property
    def success_rate(self) -> float | None:
        finished = sum(self.states.get(state, 0) for state in FINISHED)
        return self.states.get("delivered", 0) / finished if finished else None


@dataclass(frozen=True)
class Daily:
    """Jobs made and credits spent on each of the last days (UTC), oldest first."""

    days: list[date] = field(default_factory=list)
    jobs: list[int] = field(default_factory=list)
    credits: list[int] = field(default_factory=list)


def _day(moment: float) -> date:
    return datetime.fromtimestamp(moment, UTC).date()


class StatsService:
    def __init__(self, store: StatsStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def _since(self, days: int) -> float:
        return day_start(self._clock()) - (days - 1) * DAY

    async def report(self, days: int) -> Report:
        since = self._since(days)
        new, active = await self._store.people(since)
        jobs = await self._store.jobs(since)
        states = Counter(state for _, state, _, _, _ in jobs)
        failures = Counter(kind for _, _, kind, _, _ in jobs if kind)
        made = Counter(vendor for vendor, _, _, _, _ in jobs)
        delivered = Counter(vendor for vendor, state, _, _, _ in jobs if state == "delivered")
        times = [
            finished - created
            for _, state, _, created, finished in jobs
            if state == "delivered" and finished is not None
        ]
        stars, payments = await self._store.stars(since)
        spent = sum(amount for _, amount in await self._store.spending(since))
        return Report(
            days=days,
            new_people=new,
            active_people=active,
            states=dict(states),
            vendors={vendor: (count, delivered[vendor]) for vendor, count in made.items()},
            failures=dict(failures),
            spent=spent,
            stars=stars,
            payments=payments,
            median_seconds=statistics.median(times) if times else None,
        )

    async def daily(self, days: int = CHART_DAYS) -> Daily:
        since = self._since(days)
        first = _day(since)
        calendar = [first + timedelta(days=n) for n in range(days)]
        jobs = Counter(_day(created) for _, _, _, created, _ in await self._store.jobs(since))
        spent: Counter[date] = Counter()
        for moment, amount in await self._store.spending(since):
            spent[_day(moment)] += amount
        return Daily(
            days=calendar,
            jobs=[jobs[day] for day in calendar],
            credits=[spent[day] for day in calendar],
        )
