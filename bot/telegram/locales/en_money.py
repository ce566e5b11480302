"""English texts of the public bot's credits: balance, Stars, referrals, support, terms."""

MONEY_MESSAGES: dict[str, str] = {
    "balance.free_bot": "Videos are free on this bot.",
    "balance.text": (
        "💳 You have {total} credits: {free} free for today and {paid} bought. "
        "Your free credits come back to {per_day} every day (UTC). /buy adds more."
    ),
    "buy.choose": "Choose a pack of credits (paid with Telegram Stars):",
    "buy.pack": "{credits} credits · ⭐ {stars}",
    "buy.title": "{credits} credits",
    "buy.description": "{credits} credits for making videos, for {stars} Telegram Stars.",
    "buy.invalid": "This offer is no longer valid. Send /buy again.",
    "buy.thanks": "⭐ Thank you! {credits} credits added; you now have {total}.",
    "buy.refunded": (
        "This payment did not match the offer, so nothing was credited and your Stars were "
        "given back. Send /buy to choose a pack."
    ),
    "buy.refund_failed": (
        "This payment did not match the offer, so nothing was credited. The operator has been "
        "told and will give your Stars back."
    ),
    "paysupport": (
        "Problems with a payment? Write to {contact} with the time of the payment. "
        "Credits that are still unspent can be refunded in Stars."
    ),
    "terms": (
        "Terms: credits buy video generations on this bot; a video that fails, expires or is "
        "cancelled costs nothing (its credits come back at once). Unspent purchased credits "
        "can be refunded on request (/paysupport). Free daily credits are not refundable."
    ),
    "paysupport.admin": "the admin",
    "balance.sent_privately": "{name}, I sent you your balance in a private message.",
    "balance.start_private": (
        "{name}, I can't write to you privately yet: open a chat with me, then send /balance "
        "there."
    ),
    "credits.granted": (
        "🎁 You received {amount} credits from the bot's admin; you now have {total}."
    ),
    "credits.taken": "The bot's admin took back {amount} credits; you now have {total}.",
    "credits.refunded": (
        "↩️ The {amount} credits of job #{id} were given back to you; you now have {total}."
    ),
    "balance.referral": (
        "\n\n🤝 Invite a friend: you both get {credits} credits when they make their first "
        "video.\n{link}"
    ),
    "referral.invited": (
        "🎁 Welcome gift: {credits} credits for your first video through a friend's link; "
        "you now have {total}."
    ),
    "referral.inviter": (
        "🎁 A friend you invited made their first video: {credits} credits added; "
        "you now have {total}."
    ),
}
