"""简体中文消息。"""

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
        "/video <提示词> — 根据描述生成视频\n"
        "/cancel — 关闭选项卡片，或取消尚未开始的任务\n"
        "/help — 显示本消息\n\n"
        "视频由 {vendor} 生成。\n"
        "• 速度：{tiers}\n"
        "• 分辨率：{resolutions}\n"
        "• 画幅：{ratios}\n"
        "• 时长：{durations} 秒\n"
        "• 提示词：最多 {max_prompt} 个字符"
    ),
    "help.sound": "\n• 声音：开或关",
    "ask_prompt": "✍️ 请发送提示词：用一条消息描述你想要的视频。",
    "ask_prompt_group": "✍️ {name}，请回复这条消息发送你的提示词。",
    "prompt_placeholder": "描述你的视频…",
    "card": "🎬 新视频\n\n📝 {prompt}\n\n⚙️ {settings}\n\n点选项可以修改，然后点 ▶️ 生成视频。",
    "settings": "{tier} · {resolution} · {ratio} · {duration} 秒 · {sound}",
    "tier.fast": "快速",
    "tier.quality": "高质量",
    "tier.lite": "轻量",
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
    "ask_extension_prompt_group": "➕ {name}，请回复这条消息，描述接下来发生什么。",
    "follow_up.already": "已经提交过了。",
    "button.cancel_job": "✖️ 取消任务",
    "status.queued": "⏳ 任务 #{id} 正在排队。\n\n{summary}",
    "status.submitting": "📨 任务 #{id}：正在提交给 {vendor}…\n\n{summary}",
    "status.running": "🎬 任务 #{id}：{vendor} 正在生成视频…{progress}\n\n{summary}",
    "status.progress": " {progress}%",
    "status.fetching": "⬇️ 任务 #{id}：视频已生成，正在下载…\n\n{summary}",
    "status.delivering": "📤 任务 #{id}：正在发送视频…\n\n{summary}",
    "status.delivered": "✅ 任务 #{id} 已完成（由 {vendor} 生成）。\n\n{summary}",
    "status.failed": "❌ 任务 #{id} 失败：{reason}\n\n{summary}",
    "status.expired": "⌛ 任务 #{id} 超过 {minutes} 分钟仍未完成，已停止。请重试。\n\n{summary}",
    "status.cancelled": "🚫 任务 #{id} 已取消。\n\n{summary}",
    "failure.rejected": "{vendor} 拒绝了请求：{detail}",
    "failure.auth": "{vendor} 暂时不可用，已通知管理员，请稍后再试。",
    "failure.balance": "{vendor} 暂时不可用，已通知管理员，请稍后再试。",
    "failure.rate_limited": "{vendor} 现在太忙，请几分钟后再试。",
    "failure.unavailable": "{vendor} 没有响应，请稍后再试。",
    "failure.generation": "{vendor} 无法生成这个视频：{detail}",
    "failure.no_video": "{vendor} 报告已完成，但没有返回视频。",
    "failure.interrupted": "机器人在提交请求时重启了，为避免重复生成已停止该任务。请重试。",
    "failure.unknown_outcome": "{vendor} 没有及时响应，无法确定任务是否已开始。请重试。",
    "failure.too_large": (
        "视频超过了机器人可上传到 Telegram 的大小，而 {vendor} 的链接只能用运营者的密钥下载。"
    ),
    "failure.delivery": "Telegram 没有接受这个视频（{detail}）。",
    "failure.input": "{detail}",
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
    "invalid.upgrade": "{value} 不能作为升级选项。可选：{allowed}。",
    "invalid.seed": "种子必须是 {low} 到 {high} 之间的整数。",
    "invalid.seed_unsupported": "{vendor} 不支持种子。",
    "invalid.negative_prompt": "{vendor} 不支持反向提示词。",
    "invalid.globalai_stable_fast_frames": (
        "稳定版快速模型只能从你的照片开始：请选择首帧（可加尾帧）、改用高质量速度，或关闭稳定通道。"
    ),
    "invalid.extra": "{vendor} 不提供：{value}。",
    "button.expired": "这个按钮已失效。发送 /video 重新开始。",
    "button.not_yours": "这张卡片属于别人。用 /video 开始你自己的。",
    "need_text": "我需要文字形式的提示词：发一条描述视频的消息，或发送 /cancel。",
    "no_wizard": "发送 /video 加上你想要的视频描述。/help 列出我能做的一切。",
    "draft.discarded": "已取消。发送 /video 重新开始。",
    "job.cancelled": "任务 #{id} 已取消。",
    "job.cannot_cancel": "任务 #{id} 已提交给视频服务，无法取消。",
    "nothing_to_cancel": "没有可以取消的内容。",
}
