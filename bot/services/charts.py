"""The /stats chart: jobs and credits per day as a PNG, drawn with matplotlib (Agg, no screen).

matplotlib is imported inside the function: the bot starts without loading it, and only an
admin's /stats pays for it (run it in a thread: drawing takes a moment of CPU).
"""

from __future__ import annotations

import io

from bot.services.stats import Daily


def daily_chart(daily: Daily, title: str) -> bytes:
    """A 1000×500 PNG: jobs per day as bars, credits spent per day as a line."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10, 5), dpi=100)
    jobs_axis = figure.add_subplot()
    labels = [day.strftime("%m-%d") for day in daily.days]
    positions = list(range(len(labels)))
    jobs_axis.bar(positions, daily.jobs, color="#4C72B0", label="jobs")
    jobs_axis.set_ylabel("jobs")
    jobs_axis.set_ylim(bottom=0, top=max([*daily.jobs, 1]) * 1.15)
    jobs_axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    jobs_axis.set_xticks(positions[::3], labels[::3], rotation=45, ha="right")
    credits_axis = jobs_axis.twinx()
    credits_axis.plot(positions, daily.credits, color="#DD8452", marker="o", label="credits")
    credits_axis.set_ylabel("credits spent")
    credits_axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    credits_axis.set_ylim(bottom=0, top=max([*daily.credits, 1]) * 1.15)
    jobs_axis.set_title(title)
    handles = jobs_axis.get_legend_handles_labels()
    more = credits_axis.get_legend_handles_labels()
    jobs_axis.legend(handles[0] + more[0], handles[1] + more[1], loc="upper left")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
