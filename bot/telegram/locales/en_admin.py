"""English texts of the admin commands: their answers, /broadcast and /stats."""

ADMIN_MESSAGES: dict[str, str] = {
    "admin.only": "This command is for the bot's admins.",
    "admin.usage": "Usage: {usage}",
    "admin.granted": "Granted {amount} credits to {user}; they now have {total}.",
    "admin.banned": "{user} is banned.",
    "admin.unbanned": "{user} is no longer banned.",
    "admin.allowed": "{user} may use the bot.",
    "admin.jobs_title": "⏳ Unfinished jobs:",
    "admin.job_line": "#{id} {state} · {minutes} min · {vendor} {task} · user {user}",
    "admin.no_jobs": "No unfinished jobs.",
    "admin.refunded": "Refunded {amount} credits for job #{id}.",
    "admin.nothing_to_refund": (
        "Job #{id} has nothing to refund (not delivered, free, or refunded)."
    ),
    "admin.stars_not_refundable": (
        "Payment {charge} cannot be refunded: unknown, already refunded, or its credits are spent."
    ),
    "admin.stars_refund_failed": "Telegram refused the refund: {reason}",
    "admin.stars_refunded": "Refunded payment {charge} of {user}; took back {credits} credits.",
    "admin.health_title": "🩺 Health",
    "admin.health_part": "{name}: {state}{detail}",
    "admin.health_vendor": "vendor {name}: {state}{detail}",
    "admin.health_detail": " — {detail}",
    "admin.who": "{name} ({handle}id {id})",
    "admin.who_unknown": "id {id} (has not used the bot)",
    "admin.told": "They were told.",
    "admin.not_told": (
        "They could not be told (they blocked the bot or never opened a chat with it)."
    ),
    "admin.grant_confirm": "🎁 Grant {amount} credits to {who}?\nThey have {total} now.",
    "admin.take_confirm": "➖ Take back {amount} credits from {who}?\nThey have {total} now.",
    "admin.taken": "Took back {amount} credits from {user}; they now have {total}.",
    "admin.nothing_granted": "Nothing moved for {who}: they have {total} credits.",
    "admin.refund_confirm": (
        "↩️ Refund job #{id} to {who}?\n{amount} credits · {vendor}\n📝 {prompt}"
    ),
    "admin.confirm_button": "✅ Confirm",
    "admin.cancel_button": "✖️ Cancel",
    "admin.action_cancelled_card": "✖️ Cancelled: nothing was done.",
    "admin.action_done": "This was already confirmed; nothing more was done.",
    "admin.action_cancelled": "This was cancelled. Send the command again.",
    "admin.action_expired": "This confirmation has expired. Send the command again.",
    "admin.stranger": "🔐 {who} asked to use this private bot.",
    "admin.allow_button": "✅ Allow",
    "admin.already_allowed": "{who} may already use the bot.",
    "admin.allowed_by": "✅ {who} may now use the bot (allowed by {admin}).",
    "broadcast.confirm": (
        "📣 Send this message to {count} people?\n\n{text}\n\n"
        "(A broadcast runs in the bot's memory: a restart stops it.)"
    ),
    "broadcast.progress": (
        "📣 Broadcasting: {sent} of {total} sent · {blocked} blocked the bot · {failed} failed"
    ),
    "broadcast.done": (
        "📣 Broadcast done: {sent} of {total} sent · {blocked} blocked the bot · {failed} failed"
    ),
    "broadcast.stopped": (
        "⏹ Broadcast stopped: {sent} of {total} sent · {blocked} blocked the bot · {failed} failed"
    ),
    "broadcast.stop_button": "⏹ Stop",
    "broadcast.stopping": "Stopping…",
    "broadcast.not_running": "This broadcast is not running any more.",
    "broadcast.too_long": (
        "The message is {length} characters long; a broadcast takes at most {most}."
    ),
    "stats.text": (
        "📊 {period}\nPeople: {new} new, {active} active\nJobs: {states}\n"
        "Success rate: {rate}\nVendors: {vendors}\nCredits spent: {spent}\n"
        "Stars: ⭐ {stars} from {payments} payment(s)\n"
        "Median time to a video: {median}\nFailures: {errors}"
    ),
    "stats.today": "Today (UTC)",
    "stats.days": "Last {days} days (UTC)",
    "stats.vendor": "{vendor} {jobs} ({delivered} delivered)",
    "stats.minutes": "{minutes} min {seconds} s",
    "stats.seconds": "{seconds} s",
    "stats.chart": "📈 The last 30 days (UTC): jobs and credits spent per day.",
}
