"""English messages."""

from bot.telegram.locales.en_admin import ADMIN_MESSAGES
from bot.telegram.locales.en_money import MONEY_MESSAGES

MESSAGES: dict[str, str] = {
    "start": (
        "👋 Hi {name}! I make short videos with Google's Veo 3.1.\n\n"
        "Send /video and then what you want to see, for example:\n"
        "/video a red fox running through fresh snow at sunrise\n\n"
        "You get a card with the options (speed, resolution, shape, length, sound). "
        "Tap ▶️ Create and the video arrives here when it is ready, usually in 1–5 minutes.\n\n"
        "/help lists everything I can do."
    ),
    "help": (
        "What I can do\n\n"
        "/video <prompt> — make a video (photos too: send them after /video)\n"
        "/history — your recent videos, to get them again\n"
        "/settings — the options new cards start with\n"
        "/language — English or 中文\n"
        "/extend — reply to a video of mine to continue it\n"
        "/cancel — close the card, or cancel a job that has not started\n"
        "/help — this message\n\n"
        "Videos are made by {vendor}.\n"
        "• Kinds: {modes}\n"
        "• Speed: {tiers}\n"
        "• Resolution: {resolutions}\n"
        "• Shape: {ratios}\n"
        "• Length: {durations} seconds\n"
        "• Prompt: up to {max_prompt} characters"
    ),
    "help.sound": "\n• Sound: on or off",
    "ask_prompt": "✍️ Send me the prompt: describe the video you want in one message.",
    "settings": "{tier} · {resolution} · {ratio} · {duration} s · {sound}",
    "tier.fast": "Fast",
    "tier.quality": "Quality",
    "tier.lite": "Lite",
    "duration": "{seconds} s",
    "sound.on": "🔊 Sound",
    "sound.off": "🔇 Silent",
    "ratio.16:9": "16:9 landscape",
    "ratio.9:16": "9:16 portrait",
    "ratio.auto": "Auto shape",
    "button.create": "▶️ Create video",
    "button.discard": "✖️ Cancel",
    "button.up1080p": "⬆️ 1080p",
    "button.up4k": "⬆️ 4K",
    "button.extend": "➕ Extend",
    "upgraded_to": "⬆️ upgraded to {resolution}",
    "ask_extension_prompt": "➕ What happens next? Send the prompt for the continuation.",
    "follow_up.already": "Already requested.",
    "button.cancel_job": "✖️ Cancel job",
    "status.queued": "⏳ Job #{id} is in the queue.\n\n{summary}",
    "status.submitting": "📨 Job #{id}: sending it to {vendor}…\n\n{summary}",
    "status.running": "🎬 Job #{id}: {vendor} is making your video…{progress}\n\n{summary}",
    "status.progress": " {progress}%",
    "status.fetching": "⬇️ Job #{id}: the video is ready, fetching it…\n\n{summary}",
    "status.delivering": "📤 Job #{id}: sending you the video…\n\n{summary}",
    "status.delivered": "✅ Job #{id} is done (made by {vendor}).\n\n{summary}",
    "status.failed": "❌ Job #{id} failed: {reason}{credits_back}\n\n{summary}",
    "status.expired": (
        "⌛ Job #{id} took longer than {minutes} minutes and was stopped. "
        "Please try again.{credits_back}\n\n{summary}"
    ),
    "status.cancelled": "🚫 Job #{id} was cancelled.\n\n{summary}",
    "failure.rejected": (
        "{vendor} would not make this video: the prompt or a photo seems to break its content "
        "rules. Change the prompt and try again."
    ),
    "failure.auth": (
        "{vendor} is not available right now. The operator has been told; please try again later."
    ),
    "failure.balance": (
        "{vendor} is not available right now. The operator has been told; please try again later."
    ),
    "failure.rate_limited": "{vendor} is too busy right now. Please try again in a few minutes.",
    "failure.unavailable": "{vendor} is not responding. Please try again later.",
    "failure.generation": (
        "{vendor} could not make this video this time. Try again, or change the prompt a little."
    ),
    "failure.no_video": "{vendor} said the video was finished but sent no video.",
    "failure.interrupted": (
        "the bot restarted while sending your request, so it was stopped rather than risk "
        "making it twice. Please try again."
    ),
    "failure.unknown_outcome": (
        "{vendor}'s answer was late or garbled, so it is unclear whether it started. "
        "Please try again."
    ),
    "failure.too_large": (
        "the video is larger than a bot may upload to Telegram, and {vendor}'s link only "
        "works with the operator's key."
    ),
    "failure.delivery": "Telegram would not take the video.",
    "failure.input": "{detail}",
    "failure.not_video": "the video service sent a file that is not a video.",
    "failure.link_expired": "the video service's link has expired. Please try again.",
    "failure.unsafe_link": (
        "the video service's link leads somewhere the bot may not go, so nothing was fetched."
    ),
    "invalid.photos_need_public_url": (
        "{vendor} fetches photos from a web address, and this bot has none (the operator can "
        "set PUBLIC_BASE_URL)."
    ),
    "invalid.photo_gone": "a photo of this request is no longer on the bot. Please send it again.",
    "caption": "{prompt}\n\n⚙️ {settings}",
    "too_large": (
        "🎞 The video for job #{id} is ready, but it is larger than the {limit} MB a bot "
        "may upload to Telegram. Download it here (the link expires within a day):\n{url}"
    ),
    "invalid.prompt_empty": "The prompt is empty. Send a few words that describe the video.",
    "invalid.prompt_too_long": (
        "The prompt is {length} characters long; {vendor} accepts at most {limit}. "
        "Please shorten it and send it again."
    ),
    "invalid.tier": "That speed is not available. Choose from: {allowed}.",
    "invalid.mode": "{vendor} cannot do that kind of video with this speed.",
    "invalid.resolution": "{value} is not available here. Choose from: {allowed}.",
    "invalid.aspect_ratio": "{value} is not available here. Choose from: {allowed}.",
    "invalid.duration": "{value} seconds is not available here. Choose from: {allowed}.",
    "invalid.image_count": "This kind of video takes {least} to {most} photos.",
    "invalid.source_video": "Extending needs a video this bot made.",
    "invalid.source_too_old": (
        "{vendor} can extend a video only within {days} days of making it, and this one is "
        "older. Make a new video instead."
    ),
    "invalid.upgrade": "{value} is not available as an upgrade. Choose from: {allowed}.",
    "invalid.seed": "The seed must be a whole number from {low} to {high}.",
    "invalid.seed_unsupported": "{vendor} does not take a seed.",
    "invalid.negative_prompt": "{vendor} does not take a negative prompt.",
    "invalid.globalai_stable_fast_frames": (
        "The stable fast model only starts from your photos: choose a first frame (and "
        "optionally a last frame), the quality speed, or turn the stable channel off."
    ),
    "invalid.extra": "{vendor} does not offer: {value}.",
    "card.cost": "💳 Costs {price} credits · you have {balance}",
    "error.storage": "I can't save anything right now; please try again in a few minutes.",
    "error.internal": "Something went wrong on my side and nothing was changed. Please try again.",
    "refusal.generic": "That cannot be done right now.",
    "refusal.banned": "You are not allowed to use this bot.",
    "refusal.not_allowed": (
        "This bot is private. Ask its admin to add you: your Telegram id is {user_id}."
    ),
    "refusal.balance": (
        "This video costs {price} credits and you have {balance}. /buy adds credits; "
        "your {free_per_day} free credits come back tomorrow (UTC)."
    ),
    "refusal.active": (
        "You already have {count} videos in progress (at most {limit}). "
        "Try again when one has finished."
    ),
    "refusal.cooldown": "Please wait {seconds} s before starting the next video.",
    "refusal.daily_cap": (
        "The bot has used up today's video budget. It opens again at {time} (midnight UTC)."
    ),
    "button.expired": "This button has expired. Send /video to start again.",
    "button.not_yours": "This card belongs to someone else. Start your own with /video.",
    "need_text": (
        "I need the prompt as text: send one message that describes the video, or /cancel."
    ),
    "unknown_command": "I don't know that command. /help lists what I can do.",
    "no_wizard": (
        "Send /video and a description of the video you want. /help lists what I can do."
    ),
    "draft.discarded": "Cancelled. Send /video to start again.",
    "job.cancelled": "Job #{id} is cancelled.",
    "job.cannot_cancel": "Job #{id} is already with the video service and can't be cancelled.",
    "nothing_to_cancel": "There is nothing to cancel.",
    # the card
    "card.title": "🎬 New video",
    "card.photos": "🖼 {count} photo(s) · {mode}",
    "card.extending": "➕ Continues your earlier video",
    "card.prompt": "📝 {prompt}",
    "card.seed": "🎲 seed {seed}",
    "card.negative": "🚫 avoid: {text}",
    "card.hint": "Tap an option to change it, then ▶️ Create video.",
    "mode.text": "Text only",
    "mode.image": "Animate the photo",
    "mode.frames": "First → last frame",
    "mode.reference": "Reference photos",
    "mode.extend": "Extend",
    "mode.upgrade": "Upgrade",
    "extra.watermark": "Watermark",
    "extra.translate": "Translate prompt",
    "extra.enhance": "Enhance prompt",
    "extra.upsample": "Upsample",
    "extra.stable": "Stable model",
    "button.seed_ask": "🎲 Seed…",
    "button.seed_clear": "🎲 Random seed",
    "button.negative_ask": "🚫 Avoid…",
    "button.negative_clear": "🚫 Clear avoid",
    "button.clear_photos": "🗑 Remove photos",
    "button.done": "✅ Done",
    "button.regen": "🔁 Again",
    "button.prompt": "✏️ New prompt",
    "button.again": "📨 Send again",
    # asking for typed input
    "ask_prompt_or_photos": (
        "✍️ Send me the prompt: describe the video you want in one message. "
        "To animate photos, send up to {most} photos first (the caption can be the prompt)."
    ),
    "ask_prompt_after_photos": (
        "🖼 Got {photos} photo(s). Now send the prompt (or more photos, up to {most})."
    ),
    "ask_seed": "🎲 Send a seed: a whole number from {low} to {high}.",
    "ask_negative": "🚫 Send what the video should avoid, e.g. “text, watermark, blur”.",
    "group_prefix": "{name}, reply to this message. ",
    "placeholder": "Type here…",
    # photos
    "photo.not_image": "This file is not a photo. Send a JPEG, PNG or WebP image.",
    "photo.too_big": "This photo is larger than the 20 MB a bot may download. Send a smaller one.",
    "invalid.photos_disabled": (
        "This bot cannot pass photos to {vendor}: the operator has to set PUBLIC_BASE_URL. "
        "Send a text prompt instead."
    ),
    # /settings and /language
    "settings.card": (
        "⚙️ Your defaults for new videos:\n{settings}\n\nTap to change, then ✅ Done."
    ),
    "settings.saved": "✅ Saved. New cards start from these settings.",
    "language.choose": "Choose the language:",
    "language.name": "English",
    "language.set": "✅ I will speak English with you.",
    # /history
    "history.empty": "You have no videos here yet. Send /video to make one.",
    "history.title": "🗂 Your recent videos here:",
    "history.line": "{icon} #{id} · {state} · {mode}\n📝 {prompt}\n⚙️ {settings}",
    "history.get": "▶️ #{id}",
    "state.queued": "queued",
    "state.submitting": "sending",
    "state.running": "in progress",
    "state.fetching": "fetching",
    "state.delivering": "sending",
    "state.delivered": "delivered",
    "state.failed": "failed",
    "state.expired": "expired",
    "state.cancelled": "cancelled",
    # /extend
    "extend.how": "Reply to a video I made with /extend to continue it.",
    "extend.cannot": "{vendor} cannot extend this video.",
    # /help additions
    "help.photos": (
        "\n\nPhotos: send up to {most} photos (or image files for full "
        "quality) after /video or instead of it; a photo's caption is taken as "
        "the prompt."
    ),
    "help.photos_off": (
        "\n\nPhoto modes are off on this bot: the operator has to set PUBLIC_BASE_URL "
        "so the video service can fetch the photos."
    ),
    "help.seed": "\n• Seed: {low}–{high}",
    "help.negative": "\n• Negative prompt (what to avoid)",
    "help.extras": "\n• Switches: {extras}",
    "help.extend": "\n• ➕ Extend a delivered video (button, or reply to it with /extend)",
    "help.upgrades": "\n• ⬆️ Upgrade a delivered video to {resolutions}",
    # the command menu
    "command.video": "Make a video",
    "command.history": "Your recent videos",
    "command.settings": "Default options for new videos",
    "command.language": "Change the language",
    "command.extend": "Continue a video (reply to it)",
    "command.cancel": "Close the card or cancel a queued job",
    "command.help": "What this bot can do",
    "command.start": "Start",
    # credits and Stars
    "history.cost": " · 💳 {price}",
    "history.returned": " (not charged)",
    "history.refunded": " (refunded)",
    # admin
    "command.balance": "Your credits",
    "command.buy": "Buy credits with Stars",
    "help.credits": (
        "\n\nVideos cost credits: /balance shows yours, /buy adds more with Telegram Stars, "
        "/terms and /paysupport say how payments work."
    ),
    # failed jobs: what comes back, what to do next (issue 13)
    "status.credits_back": "💳 Your {price} credits are back.",
    "button.edit_prompt": "✏️ Edit prompt",
    "button.retry": "🔁 Try again",
    "history.details": "🔎 The video service said: {detail}",
    "ask_prompt_again": "✏️ Send the new prompt. The last one was:\n\n{prompt}",
    # a card its person cannot afford (issue 13)
    "card.short": (
        "💳 Costs {price} credits · you have {balance}: not enough for these options. "
        "⭐ Buy credits, or switch to options that fit."
    ),
    "card.short_nothing_fits": (
        "💳 Costs {price} credits · you have {balance}: not enough for any video. "
        "⭐ Buy credits to go on."
    ),
    "button.buy_credits": "⭐ Buy credits",
    "button.affordable": "💡 {options} · {price} credits",
    "card.create_short": (
        "This video costs {price} credits and you have {balance}: tap ⭐ Buy credits on the "
        "card, or choose cheaper options."
    ),
    # issue 13: support, the command menu, the queue, groups, photos, inline mode, description
    "command.paysupport": "Help with a payment",
    "command.terms": "Terms of the credits",
    "status.queued_place": "⏳ Job #{id}: {place} in line{wait}\n\n{summary}",
    "status.typical_wait": " · usually ready in about {minutes} min",
    "help.group": (
        "🎬 I make short videos from a prompt (and photos). Here in the group: send "
        "/video@{bot} with the prompt and reply to my questions; /history@{bot} shows your "
        "videos.\nThe full help is in a private chat with me."
    ),
    "button.full_help": "📖 Full help",
    "button.open_private": "💬 Open a private chat",
    "photos.kept_first": (
        "🖼 A video takes at most {most} photos, so the card keeps the first {most}; "
        "the rest were left out."
    ),
    "list.separator": ", ",
    "vendor_error.content_policy": "the prompt or a photo was blocked by the content policy",
    "vendor_error.person": "the video would show a real person, which is not allowed",
    "vendor_error.timeout": "the video service ran out of time",
    "vendor_error.unknown": "the video service gave no reason",
    "inline.none": "No videos yet: make one in a chat with me",
    "description": (
        "I make short AI videos with Google's Veo 3.1: describe what you want to see (or send "
        "photos to animate), pick the options, and the video arrives in the chat in a few "
        "minutes. Works in groups too. Send /start."
    ),
    "description.short": "Short AI videos with Google's Veo 3.1, from a prompt or photos.",
    "help.demo": (
        "\n\n🧪 Demo mode: this bot is not connected to a video service yet. Every video is "
        "the same short sample clip, sent after a short wait; a prompt with the word "
        '"fail" shows how a failed video looks. The operator switches to a real vendor '
        "with VENDOR in .env."
    ),
    "card.demo": "🧪 Demo mode: you will get a sample clip, not a video of your prompt.",
    "start.your_id": (
        "\n\n🔑 Your Telegram id is {id}. This bot has no admin yet: put "
        "ADMIN_USER_IDS={id} in its .env to become one."
    ),
    "id.yours": "🔑 Your Telegram id is {id}.",
    "id.chat": "💬 This chat's id is {id}.",
    "access.allowed": (
        "✅ An admin has let you in: you may now use this bot. Send /video to make a video."
    ),
    "access.banned": "🚫 An admin has banned you from this bot.",
    "access.unbanned": "✅ An admin has lifted your ban: you may use this bot again.",
    # /help: what each tier and the extension window allow (issue 9)
    "help.extend_within": (
        "\n• ➕ Extend a delivered video within {days} days of making it (button, or reply to "
        "it with /extend)"
    ),
    "help.tier": "\n• {tier}: {details}",
    "help.tier_parts_separator": "; ",
    "help.tier_no_extend": "no ➕ Extend",
    **MONEY_MESSAGES,
    **ADMIN_MESSAGES,
}
