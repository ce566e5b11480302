"""简体中文消息。"""

from bot.telegram.locales.zh_admin import ADMIN_MESSAGES
from bot.telegram.locales.zh_money import MONEY_MESSAGES

MESSAGES: dict[str, str] = {
    "start": (
        "👋 你好，{name}！我用 Google 的 Veo 3.1 制作短视频。\n\n"
        "发送 /video 加上你想看到的画面，例如：\n"
        "/video 一只红狐狸在日出时穿过新雪奔跑\n\n"
        "你会收到一张选项卡片（速度、分辨率、画幅、时长、声音）。"
        "点 ▶️ 生成视频，视频做好后会发到这里，通常需要 1–5 分钟。\n\n"
        "/help 列出我能做的一切。"
    ),
    "help": (
        "我能做什么\n\n"
        "/video <提示词> — 生成视频（也可以用照片：在 /video 之后发送）\n"
        "/history — 最近的视频，可以再次获取\n"
        "/settings — 新卡片的默认选项\n"
        "/language — English 或 中文\n"
        "/extend — 回复我生成的视频来续写\n"
        "/cancel — 关闭卡片，或取消尚未开始的任务\n"
        "/help — 显示本消息\n\n"
        "视频由 {vendor} 生成。\n"
        "• 类型：{modes}\n"
        "• 速度：{tiers}\n"
        "• 分辨率：{resolutions}\n"
        "• 画幅：{ratios}\n"
        "• 时长：{durations} 秒\n"
        "• 提示词：最多 {max_prompt} 个字符"
    ),
    "help.sound": "\n• 声音：开或关",
    "ask_prompt": "✍️ 请发送提示词：用一条消息描述你想要的视频。",
    "settings": "{tier} · {resolution} · {ratio} · {duration} 秒 · {sound}",
    "tier.fast": "快速",
    "tier.quality": "高质量",
    "tier.lite": "轻量",
    "duration": "{seconds} 秒",
    "sound.on": "🔊 有声",
    "sound.off": "🔇 静音",
    "ratio.16:9": "16:9 横屏",
    "ratio.9:16": "9:16 竖屏",
    "ratio.auto": "自动画幅",
    "button.create": "▶️ 生成视频",
    "button.discard": "✖️ 取消",
    "button.up1080p": "⬆️ 1080p",
    "button.up4k": "⬆️ 4K",
    "button.extend": "➕ 续写",
    "upgraded_to": "⬆️ 已升级到 {resolution}",
    "ask_extension_prompt": "➕ 接下来发生什么？请发送续写的提示词。",
    "follow_up.already": "已经提交过了。",
    "button.cancel_job": "✖️ 取消任务",
    "status.queued": "⏳ 任务 #{id} 正在排队。\n\n{summary}",
    "status.submitting": "📨 任务 #{id}：正在提交给 {vendor}…\n\n{summary}",
    "status.running": "🎬 任务 #{id}：{vendor} 正在生成视频…{progress}\n\n{summary}",
    "status.progress": " {progress}%",
    "status.fetching": "⬇️ 任务 #{id}：视频已生成，正在下载…\n\n{summary}",
    "status.delivering": "📤 任务 #{id}：正在发送视频…\n\n{summary}",
    "status.delivered": "✅ 任务 #{id} 已完成（由 {vendor} 生成）。\n\n{summary}",
    "status.failed": "❌ 任务 #{id} 失败：{reason}{credits_back}\n\n{summary}",
    "status.expired": (
        "⌛ 任务 #{id} 超过 {minutes} 分钟仍未完成，已停止。请重试。{credits_back}\n\n{summary}"
    ),
    "status.cancelled": "🚫 任务 #{id} 已取消。\n\n{summary}",
    "failure.rejected": (
        "{vendor} 不能生成这个视频：提示词或照片似乎违反了内容规则。请修改提示词后重试。"
    ),
    "failure.auth": "{vendor} 暂时不可用，已通知管理员，请稍后再试。",
    "failure.balance": "{vendor} 暂时不可用，已通知管理员，请稍后再试。",
    "failure.rate_limited": "{vendor} 现在太忙，请几分钟后再试。",
    "failure.unavailable": "{vendor} 没有响应，请稍后再试。",
    "failure.generation": "{vendor} 这次没能生成这个视频。请重试，或稍微改一下提示词。",
    "failure.no_video": "{vendor} 报告已完成，但没有返回视频。",
    "failure.interrupted": "机器人在提交请求时重启了，为避免重复生成已停止该任务。请重试。",
    "failure.unknown_outcome": "{vendor} 的回复超时或无法读取，无法确定任务是否已开始。请重试。",
    "failure.too_large": (
        "视频超过了机器人可上传到 Telegram 的大小，而 {vendor} 的链接只能用运营者的密钥下载。"
    ),
    "failure.delivery": "Telegram 没有接受这个视频。",
    "failure.input": "{detail}",
    "failure.not_video": "视频服务发来的文件不是视频。",
    "failure.link_expired": "视频服务的链接已过期，请重试。",
    "failure.unsafe_link": "视频服务的链接指向机器人不可访问的地址，因此没有下载任何内容。",
    "invalid.photos_need_public_url": (
        "{vendor} 需要从网址获取照片，而本机器人没有公开地址（管理员可设置 PUBLIC_BASE_URL）。"
    ),
    "invalid.photo_gone": "这个请求的照片已不在机器人上，请重新发送。",
    "caption": "{prompt}\n\n⚙️ {settings}",
    "too_large": (
        "🎞 任务 #{id} 的视频已生成，但超过了机器人可上传到 Telegram 的 {limit} MB。"
        "请从这里下载（链接一天内失效）：\n{url}"
    ),
    "invalid.prompt_empty": "提示词是空的。请发几个字描述这个视频。",
    "invalid.prompt_too_long": (
        "提示词有 {length} 个字符，{vendor} 最多接受 {limit} 个。请缩短后重新发送。"
    ),
    "invalid.tier": "这个速度不可用。可选：{allowed}。",
    "invalid.mode": "{vendor} 在这个速度下不能生成这类视频。",
    "invalid.resolution": "{value} 不可用。可选：{allowed}。",
    "invalid.aspect_ratio": "{value} 不可用。可选：{allowed}。",
    "invalid.duration": "{value} 秒不可用。可选：{allowed}。",
    "invalid.image_count": "这类视频需要 {least} 到 {most} 张照片。",
    "invalid.source_video": "续写需要一个由本机器人生成的视频。",
    "invalid.source_too_old": (
        "{vendor} 只能续写 {days} 天内生成的视频，这个视频已超过期限。请重新生成一个视频。"
    ),
    "invalid.upgrade": "{value} 不能作为升级选项。可选：{allowed}。",
    "invalid.seed": "种子必须是 {low} 到 {high} 之间的整数。",
    "invalid.seed_unsupported": "{vendor} 不支持种子。",
    "invalid.negative_prompt": "{vendor} 不支持反向提示词。",
    "invalid.globalai_stable_fast_frames": (
        "稳定版快速模型只能从你的照片开始：请选择首帧（可加尾帧）、改用高质量速度，或关闭稳定通道。"
    ),
    "invalid.extra": "{vendor} 不提供：{value}。",
    "card.cost": "💳 花费 {price} 点 · 你有 {balance} 点",
    "error.storage": "我现在无法保存任何内容，请几分钟后再试。",
    "error.internal": "我这边出了点问题，什么都没有改变。请再试一次。",
    "refusal.generic": "现在无法这样做。",
    "refusal.banned": "你不能使用这个机器人。",
    "refusal.not_allowed": "这是私人机器人。请联系管理员添加你：你的 Telegram id 是 {user_id}。",
    "refusal.balance": (
        "这个视频需要 {price} 点，你有 {balance} 点。/buy 可以购买点数；"
        "你的 {free_per_day} 个免费点数明天（UTC）恢复。"
    ),
    "refusal.active": "你已有 {count} 个视频在制作中（最多 {limit} 个）。请等一个完成后再试。",
    "refusal.cooldown": "请等 {seconds} 秒后再开始下一个视频。",
    "refusal.daily_cap": "机器人今天的视频预算已用完，将在 {time}（UTC 午夜）重新开放。",
    "button.expired": "这个按钮已失效。发送 /video 重新开始。",
    "button.not_yours": "这张卡片属于别人。用 /video 开始你自己的。",
    "need_text": "我需要文字形式的提示词：发一条描述视频的消息，或发送 /cancel。",
    "unknown_command": "我不认识这个命令。/help 列出我能做的一切。",
    "no_wizard": "发送 /video 加上你想要的视频描述。/help 列出我能做的一切。",
    "draft.discarded": "已取消。发送 /video 重新开始。",
    "job.cancelled": "任务 #{id} 已取消。",
    "job.cannot_cancel": "任务 #{id} 已提交给视频服务，无法取消。",
    "nothing_to_cancel": "没有可以取消的内容。",
    # 卡片
    "card.title": "🎬 新视频",
    "card.photos": "🖼 {count} 张照片 · {mode}",
    "card.extending": "➕ 续写你之前的视频",
    "card.prompt": "📝 {prompt}",
    "card.seed": "🎲 种子 {seed}",
    "card.negative": "🚫 避免：{text}",
    "card.hint": "点选项可以修改，然后点 ▶️ 生成视频。",
    "mode.text": "纯文字",
    "mode.image": "让照片动起来",
    "mode.frames": "首帧 → 尾帧",
    "mode.reference": "参考图",
    "mode.extend": "续写",
    "mode.upgrade": "升级",
    "extra.watermark": "水印",
    "extra.translate": "翻译提示词",
    "extra.enhance": "优化提示词",
    "extra.upsample": "超分",
    "extra.stable": "稳定版模型",
    "button.seed_ask": "🎲 种子…",
    "button.seed_clear": "🎲 随机种子",
    "button.negative_ask": "🚫 避免…",
    "button.negative_clear": "🚫 清除避免项",
    "button.clear_photos": "🗑 移除照片",
    "button.done": "✅ 完成",
    "button.regen": "🔁 再来一次",
    "button.prompt": "✏️ 换提示词",
    "button.again": "📨 再发一次",
    # 询问输入
    "ask_prompt_or_photos": (
        "✍️ 请发送提示词：用一条消息描述你想要的视频。"
        "如果要让照片动起来，请先发送最多 {most} 张照片（照片说明可以作为提示词）。"
    ),
    "ask_prompt_after_photos": (
        "🖼 已收到 {photos} 张照片。现在请发送提示词（或继续发照片，最多 {most} 张）。"
    ),
    "ask_seed": "🎲 请发送种子：{low} 到 {high} 之间的整数。",
    "ask_negative": "🚫 请发送视频中要避免的内容，例如“文字、水印、模糊”。",
    "group_prefix": "{name}，请回复这条消息。",
    "placeholder": "在这里输入…",
    # 照片
    "photo.not_image": "这个文件不是照片。请发送 JPEG、PNG 或 WebP 图片。",
    "photo.too_big": "这张照片超过了机器人可下载的 20 MB，请发送小一些的。",
    "invalid.photos_disabled": (
        "本机器人无法把照片交给 {vendor}：管理员需要设置 PUBLIC_BASE_URL。请改为发送文字提示词。"
    ),
    # /settings 与 /language
    "settings.card": "⚙️ 新视频的默认选项：\n{settings}\n\n点按修改，然后点 ✅ 完成。",
    "settings.saved": "✅ 已保存。新卡片将从这些设置开始。",
    "language.choose": "请选择语言：",
    "language.name": "中文",
    "language.set": "✅ 我会用中文和你交流。",
    # /history
    "history.empty": "你在这里还没有视频。发送 /video 制作一个。",
    "history.title": "🗂 你在这里最近的视频：",
    "history.line": "{icon} #{id} · {state} · {mode}\n📝 {prompt}\n⚙️ {settings}",
    "history.get": "▶️ #{id}",
    "state.queued": "排队中",
    "state.submitting": "提交中",
    "state.running": "生成中",
    "state.fetching": "下载中",
    "state.delivering": "发送中",
    "state.delivered": "已送达",
    "state.failed": "失败",
    "state.expired": "已超时",
    "state.cancelled": "已取消",
    # /extend
    "extend.how": "请用 /extend 回复我生成的视频来续写它。",
    "extend.cannot": "{vendor} 无法续写这个视频。",
    # /help 补充
    "help.photos": (
        "\n\n照片：在 /video 之后（或直接）发送最多 {most} 张照片"
        "（以文件发送可保留原画质）；照片说明会作为提示词。"
    ),
    "help.photos_off": (
        "\n\n本机器人未开启照片模式：管理员需要设置 PUBLIC_BASE_URL，视频服务才能获取照片。"
    ),
    "help.seed": "\n• 种子：{low}–{high}",
    "help.negative": "\n• 反向提示词（要避免的内容）",
    "help.extras": "\n• 开关：{extras}",
    "help.extend": "\n• ➕ 续写已送达的视频（按钮，或用 /extend 回复它）",
    "help.upgrades": "\n• ⬆️ 把已送达的视频升级到 {resolutions}",
    # 命令菜单
    "command.video": "生成视频",
    "command.history": "最近的视频",
    "command.settings": "新视频的默认选项",
    "command.language": "切换语言",
    "command.extend": "续写视频（回复它）",
    "command.cancel": "关闭卡片或取消排队中的任务",
    "command.help": "机器人能做什么",
    "command.start": "开始",
    # 点数与星星
    "history.cost": " · 💳 {price}",
    "history.returned": "（未扣费）",
    "history.refunded": "（已退款）",
    # 管理
    "command.balance": "你的点数",
    "command.buy": "用星星购买点数",
    "help.credits": (
        "\n\n制作视频需要点数：/balance 查看余额，/buy 用 Telegram 星星购买，"
        "/terms 和 /paysupport 说明支付规则。"
    ),
    # failed jobs: what comes back, what to do next (issue 13)
    "status.credits_back": "💳 你的 {price} 点已退回。",
    "button.edit_prompt": "✏️ 修改提示词",
    "button.retry": "🔁 重试",
    "history.details": "🔎 视频服务的原话：{detail}",
    "ask_prompt_again": "✏️ 请发送新的提示词。上一次是：\n\n{prompt}",
    # a card its person cannot afford (issue 13)
    "card.short": (
        "💳 花费 {price} 点 · 你有 {balance} 点：不够用这些选项。"
        "可以 ⭐ 购买点数，或换成够用的选项。"
    ),
    "card.short_nothing_fits": (
        "💳 花费 {price} 点 · 你有 {balance} 点：不够生成任何视频。⭐ 购买点数后继续。"
    ),
    "button.buy_credits": "⭐ 购买点数",
    "button.affordable": "💡 {options} · {price} 点",
    "card.create_short": (
        "这个视频需要 {price} 点，你有 {balance} 点。"
        "请点卡片上的 ⭐ 购买点数，或选择更便宜的选项。"
    ),
    # issue 13：支付帮助、命令菜单、排队、群组、照片、内联模式、简介
    "command.paysupport": "支付帮助",
    "command.terms": "点数使用条款",
    "status.queued_place": "⏳ 任务 #{id}：排在第 {place} 位{wait}\n\n{summary}",
    "status.typical_wait": " · 通常约 {minutes} 分钟完成",
    "help.group": (
        "🎬 我根据提示词（和照片）制作短视频。在群里：发送 /video@{bot} 加上提示词，"
        "然后回复我的提问；/history@{bot} 显示你的视频。\n完整帮助请在与我的私聊中查看。"
    ),
    "button.full_help": "📖 完整帮助",
    "button.open_private": "💬 打开私聊",
    "photos.kept_first": "🖼 一个视频最多用 {most} 张照片，卡片保留前 {most} 张，其余的没有加入。",
    "list.separator": "、",
    "vendor_error.content_policy": "提示词或照片被内容政策拦截",
    "vendor_error.person": "视频会出现真实人物，这是不允许的",
    "vendor_error.timeout": "视频服务超时",
    "vendor_error.unknown": "视频服务没有说明原因",
    "inline.none": "还没有视频：先在与我的聊天中生成一个",
    "description": (
        "我用 Google 的 Veo 3.1 制作 AI 短视频：描述你想看到的画面（或发送照片让它动起来），"
        "选好选项，几分钟后视频就会发到聊天中。也可以在群组中使用。发送 /start 开始。"
    ),
    "description.short": "用 Google 的 Veo 3.1 根据提示词或照片制作 AI 短视频。",
    "help.demo": (
        "\n\n🧪 演示模式：这个机器人还没有接入视频服务。每个视频都是同一段示例短片，"
        "稍等片刻后发送；提示词里带有单词“fail”时，会演示视频失败的样子。"
        "运营者在 .env 里设置 VENDOR 即可换成真正的服务商。"
    ),
    "card.demo": "🧪 演示模式：你会收到一段示例短片，而不是按提示词生成的视频。",
    "start.your_id": (
        "\n\n🔑 你的 Telegram id 是 {id}。这个机器人还没有管理员：在它的 .env 里写上 "
        "ADMIN_USER_IDS={id} 就能成为管理员。"
    ),
    "id.yours": "🔑 你的 Telegram id 是 {id}。",
    "id.chat": "💬 这个聊天的 id 是 {id}。",
    "access.allowed": "✅ 管理员已允许你：现在可以使用这个机器人了。发送 /video 制作视频。",
    "access.banned": "🚫 管理员已禁止你使用这个机器人。",
    "access.unbanned": "✅ 管理员已解除对你的封禁：你可以再次使用这个机器人。",
    # /help: what each tier and the extension window allow (issue 9)
    "help.extend_within": (
        "\n• ➕ 在视频制作后 {days} 天内续写已送达的视频（按钮，或用 /extend 回复它）"
    ),
    "help.tier": "\n• {tier}：{details}",
    "help.tier_parts_separator": "；",
    "help.tier_no_extend": "不能续写",
    **MONEY_MESSAGES,
    **ADMIN_MESSAGES,
}
