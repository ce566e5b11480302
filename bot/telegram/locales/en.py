"""English messages."""

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
        "/video <prompt> — make a video from a description\n"
        "/cancel — close the options card, or cancel a job that has not started yet\n"
        "/help — this message\n\n"
        "Videos are made by {vendor}.\n"
        "• Speed: {tiers}\n"
        "• Resolution: {resolutions}\n"
        "• Shape: {ratios}\n"
        "• Length: {durations} seconds\n"
        "• Prompt: up to {max_prompt} characters"
    ),
    "help.sound": "\n• Sound: on or off",
    "ask_prompt": "✍️ Send me the prompt: describe the video you want in one message.",
    "ask_prompt_group": "✍️ {name}, reply to this message with your prompt.",
    "prompt_placeholder": "Describe the video…",
    "card": (
        "🎬 New video\n\n📝 {prompt}\n\n⚙️ {settings}\n\n"
        "Tap an option to change it, then ▶️ Create video."
    ),
    "settings": "{tier} · {resolution} · {ratio} · {duration} s · {sound}",
    "tier.fast": "Fast",
    "tier.quality": "Quality",
    "tier.lite": "Lite",
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
    "ask_extension_prompt_group": "➕ {name}, reply to this message with what happens next.",
    "follow_up.already": "Already requested.",
    "button.cancel_job": "✖️ Cancel job",
    "status.queued": "⏳ Job #{id} is in the queue.\n\n{summary}",
    "status.submitting": "📨 Job #{id}: sending it to {vendor}…\n\n{summary}",
    "status.running": "🎬 Job #{id}: {vendor} is making your video…{progress}\n\n{summary}",
    "status.progress": " {progress}%",
    "status.fetching": "⬇️ Job #{id}: the video is ready, fetching it…\n\n{summary}",
    "status.delivering": "📤 Job #{id}: sending you the video…\n\n{summary}",
    "status.delivered": "✅ Job #{id} is done (made by {vendor}).\n\n{summary}",
    "status.failed": "❌ Job #{id} failed: {reason}\n\n{summary}",
    "status.expired": (
        "⌛ Job #{id} took longer than {minutes} minutes and was stopped. "
        "Please try again.\n\n{summary}"
    ),
    "status.cancelled": "🚫 Job #{id} was cancelled.\n\n{summary}",
    "failure.rejected": "{vendor} refused the request: {detail}",
    "failure.auth": (
        "{vendor} is not available right now. The operator has been told; please try again later."
    ),
    "failure.balance": (
        "{vendor} is not available right now. The operator has been told; please try again later."
    ),
    "failure.rate_limited": "{vendor} is too busy right now. Please try again in a few minutes.",
    "failure.unavailable": "{vendor} is not responding. Please try again later.",
    "failure.generation": "{vendor} could not make this video: {detail}",
    "failure.no_video": "{vendor} said the video was finished but sent no video.",
    "failure.interrupted": (
        "the bot restarted while sending your request, so it was stopped rather than risk "
        "making it twice. Please try again."
    ),
    "failure.unknown_outcome": (
        "{vendor} did not answer in time, so it is unclear whether it started. Please try again."
    ),
    "failure.too_large": (
        "the video is larger than a bot may upload to Telegram, and {vendor}'s link only "
        "works with the operator's key."
    ),
    "failure.delivery": "Telegram would not take the video ({detail}).",
    "failure.input": "{detail}",
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
    "invalid.upgrade": "{value} is not available as an upgrade. Choose from: {allowed}.",
    "invalid.seed": "The seed must be a whole number from {low} to {high}.",
    "invalid.seed_unsupported": "{vendor} does not take a seed.",
    "invalid.negative_prompt": "{vendor} does not take a negative prompt.",
    "invalid.globalai_stable_fast_frames": (
        "The stable fast model only starts from your photos: choose a first frame (and "
        "optionally a last frame), the quality speed, or turn the stable channel off."
    ),
    "invalid.extra": "{vendor} does not offer: {value}.",
    "button.expired": "This button has expired. Send /video to start again.",
    "button.not_yours": "This card belongs to someone else. Start your own with /video.",
    "need_text": (
        "I need the prompt as text: send one message that describes the video, or /cancel."
    ),
    "no_wizard": (
        "Send /video and a description of the video you want. /help lists what I can do."
    ),
    "draft.discarded": "Cancelled. Send /video to start again.",
    "job.cancelled": "Job #{id} is cancelled.",
    "job.cannot_cancel": "Job #{id} is already with the video service and can't be cancelled.",
    "nothing_to_cancel": "There is nothing to cancel.",
}
