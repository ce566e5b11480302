"""Chinese (Simplified) texts of the admin commands: their answers, /broadcast and /stats."""

ADMIN_MESSAGES: dict[str, str] = {
    "admin.only": "这个命令只供机器人管理员使用。",
    "admin.usage": "用法：{usage}",
    "admin.granted": "已给 {user} 增加 {amount} 点；现在有 {total} 点。",
    "admin.banned": "{user} 已被封禁。",
    "admin.unbanned": "{user} 已解除封禁。",
    "admin.allowed": "{user} 可以使用机器人了。",
    "admin.jobs_title": "⏳ 未完成的任务：",
    "admin.job_line": "#{id} {state} · {minutes} 分钟 · {vendor} {task} · 用户 {user}",
    "admin.no_jobs": "没有未完成的任务。",
    "admin.refunded": "已退还任务 #{id} 的 {amount} 点。",
    "admin.nothing_to_refund": "任务 #{id} 没有可退的点数（未送达、免费或已退款）。",
    "admin.stars_not_refundable": "支付 {charge} 无法退款：未知、已退款或点数已用掉。",
    "admin.stars_refund_failed": "Telegram 拒绝了退款：{reason}",
    "admin.stars_refunded": "已退款 {user} 的支付 {charge}；收回 {credits} 点。",
    "admin.health_title": "🩺 运行状况",
    "admin.health_part": "{name}：{state}{detail}",
    "admin.health_vendor": "供应商 {name}：{state}{detail}",
    "admin.health_detail": " — {detail}",
    "admin.who": "{name}（{handle}id {id}）",
    "admin.who_unknown": "id {id}（没有用过机器人）",
    "admin.told": "已通知对方。",
    "admin.not_told": "无法通知对方（对方屏蔽了机器人或从未打开过与它的对话）。",
    "admin.grant_confirm": "🎁 给 {who} 增加 {amount} 点？\n对方现在有 {total} 点。",
    "admin.take_confirm": "➖ 从 {who} 收回 {amount} 点？\n对方现在有 {total} 点。",
    "admin.taken": "已从 {user} 收回 {amount} 点；现在有 {total} 点。",
    "admin.nothing_granted": "{who} 的点数没有变化：现在有 {total} 点。",
    "admin.refund_confirm": "↩️ 给 {who} 退还任务 #{id}？\n{amount} 点 · {vendor}\n📝 {prompt}",
    "admin.confirm_button": "✅ 确认",
    "admin.cancel_button": "✖️ 取消",
    "admin.action_cancelled_card": "✖️ 已取消：什么都没做。",
    "admin.action_done": "这已经确认过了；没有再做任何事。",
    "admin.action_cancelled": "这已被取消。请重新发送命令。",
    "admin.action_expired": "这个确认已过期。请重新发送命令。",
    "admin.stranger": "🔐 {who} 请求使用这个私人机器人。",
    "admin.allow_button": "✅ 允许",
    "admin.already_allowed": "{who} 已经可以使用机器人。",
    "admin.allowed_by": "✅ {who} 现在可以使用机器人了（由 {admin} 允许）。",
    "broadcast.confirm": (
        "📣 把这条消息发给 {count} 人？\n\n{text}\n\n（广播在机器人的内存中运行：重启会停止它。）"
    ),
    "broadcast.progress": (
        "📣 正在广播：已发送 {sent}/{total} · {blocked} 人屏蔽了机器人 · {failed} 失败"
    ),
    "broadcast.done": (
        "📣 广播完成：已发送 {sent}/{total} · {blocked} 人屏蔽了机器人 · {failed} 失败"
    ),
    "broadcast.stopped": (
        "⏹ 广播已停止：已发送 {sent}/{total} · {blocked} 人屏蔽了机器人 · {failed} 失败"
    ),
    "broadcast.stop_button": "⏹ 停止",
    "broadcast.stopping": "正在停止……",
    "broadcast.not_running": "这次广播已经不在运行了。",
    "broadcast.too_long": "这条消息有 {length} 个字符；广播最多 {most} 个字符。",
    "stats.text": (
        "📊 {period}\n用户：{new} 新，{active} 活跃\n任务：{states}\n成功率：{rate}\n"
        "供应商：{vendors}\n花费点数：{spent}\n星星：⭐ {stars}，共 {payments} 笔支付\n"
        "视频用时中位数：{median}\n失败：{errors}"
    ),
    "stats.today": "今天（UTC）",
    "stats.days": "最近 {days} 天（UTC）",
    "stats.vendor": "{vendor} {jobs}（{delivered} 已送达）",
    "stats.minutes": "{minutes} 分 {seconds} 秒",
    "stats.seconds": "{seconds} 秒",
    "stats.chart": "📈 最近 30 天（UTC）：每天的任务数和花费点数。",
}
