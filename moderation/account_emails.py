"""The words of the account's own emails (forgot password), Traditional Chinese first."""

from moderation.emails import SIGNATURE, Email


def password_reset(*, to: str, link: str, minutes: int) -> Email:
    body = (
        "您好：\n"
        "我們收到重設您【家庭聯絡簿】帳號密碼的申請，請點選下方連結設定新密碼。\n"
        f"{link}\n"
        f"*此連結將於{minutes}分鐘後失效，且只能使用一次。設定新密碼後，所有已登入的裝置都會登出。\n"
        "如果您沒有申請重設密碼，請忽略這封信，您的密碼不會改變。\n\n"
        "Hello,\nWe were asked to reset the password of your Familybook account. Open the link "
        f"above to set a new one. It expires in {minutes} minutes and works once; setting a new "
        "password logs out every device. If you did not ask for this, ignore this email: your "
        "password stays as it is."
    )
    return Email(to, "家庭聯絡簿重設密碼通知 Familybook: reset your password", body + SIGNATURE)


def password_changed(*, to: str) -> Email:
    """Told to the mailbox after every change or reset: if it was not the family, it knows."""
    body = (
        "您好：\n"
        "您【家庭聯絡簿】帳號的密碼剛剛已變更，其他裝置的登入都已登出。\n"
        "如果這不是您本人操作，請立即使用「忘記密碼」重設密碼，並洽機關。\n\n"
        "Hello,\nThe password of your Familybook account was just changed, and your other "
        "devices were logged out. If this was not you, reset your password with "
        '"forgot password" at once and contact the institution.'
    )
    return Email(
        to, "家庭聯絡簿密碼變更通知 Familybook: your password was changed", body + SIGNATURE
    )
