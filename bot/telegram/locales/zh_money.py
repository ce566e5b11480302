"""Chinese (Simplified) texts of the credits: balance, Stars, referrals, support, terms."""

MONEY_MESSAGES: dict[str, str] = {
    "balance.free_bot": "这个机器人的视频是免费的。",
    "balance.text": (
        "💳 你有 {total} 点：今天免费 {free} 点，购买 {paid} 点。"
        "免费点数每天（UTC）恢复到 {per_day} 点。/buy 可以购买更多。"
    ),
    "buy.choose": "选择点数包（用 Telegram 星星支付）：",
    "buy.pack": "{credits} 点 · ⭐ {stars}",
    "buy.title": "{credits} 点",
    "buy.description": "{credits} 点用于制作视频，价格 {stars} 个 Telegram 星星。",
    "buy.invalid": "这个报价已失效，请重新发送 /buy。",
    "buy.thanks": "⭐ 谢谢！已增加 {credits} 点，你现在有 {total} 点。",
    "buy.refunded": "这笔支付与报价不符，没有增加点数，星星已退还给你。请发送 /buy 选择点数包。",
    "buy.refund_failed": "这笔支付与报价不符，没有增加点数。已通知运营者，他们会退还你的星星。",
    "paysupport": "支付有问题？请联系 {contact} 并说明支付时间。尚未使用的点数可以退回星星。",
    "terms": (
        "条款：点数用于在本机器人生成视频；失败、超时或取消的视频不收费（点数立即退回）。"
        "未使用的购买点数可应要求退款（/paysupport）。每日免费点数不可退款。"
    ),
    "paysupport.admin": "管理员",
    "balance.sent_privately": "{name}，你的点数已通过私信发给你。",
    "balance.start_private": (
        "{name}，我还不能私信你：请先打开与我的私聊，然后在那里发送 /balance。"
    ),
    "credits.granted": "🎁 机器人管理员给了你 {amount} 点；你现在有 {total} 点。",
    "credits.taken": "机器人管理员收回了 {amount} 点；你现在有 {total} 点。",
    "credits.refunded": "↩️ 任务 #{id} 的 {amount} 点已退还给你；你现在有 {total} 点。",
    "balance.referral": "\n\n🤝 邀请朋友：对方制作第一个视频后，你们各得 {credits} 点。\n{link}",
    "referral.invited": (
        "🎁 欢迎礼物：你通过朋友的链接制作了第一个视频，获得 {credits} 点；现在有 {total} 点。"
    ),
    "referral.inviter": (
        "🎁 你邀请的朋友制作了第一个视频：增加 {credits} 点；你现在有 {total} 点。"
    ),
}
