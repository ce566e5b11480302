"""The floor: a bare python-telegram-bot echo bot (the project's PTB version), polling.

Run by the suite as `python -m bench.echo_bot` with BENCH_TOKEN, BENCH_API_URL and
BENCH_POLL_TIMEOUT in the environment. A text gets the same text back (one Bot API call per
update); a button press gets its answer.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text)


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()


def main() -> None:
    api = os.environ["BENCH_API_URL"]
    app = (
        ApplicationBuilder()
        .token(os.environ["BENCH_TOKEN"])
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(answer))
    app.run_polling(timeout=int(os.environ.get("BENCH_POLL_TIMEOUT", "10")), poll_interval=0.0)


if __name__ == "__main__":
    main()
