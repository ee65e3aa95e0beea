"""The frame of the pages a family opens from an email (verify, reset password).

Made for a phone held by someone with little computer experience: large type and buttons,
the product's name, Traditional Chinese first with English beside. Everything is in the page
itself: no script, no font, no image, nothing from outside, and a Content-Security-Policy that
allows only this page's own style (by its hash) and forms posted back here. The link that
opened it carries a single-use token, so no Referer leaves and nothing is cached.
"""

import base64
import hashlib
import html

from fastapi.responses import HTMLResponse

#: Body text at least 20 px (a phone at arm's length), buttons at least 56 px high: larger than
#: the 44 px touch target the platform guidelines ask for.
CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#f4f1ea;color:#1d1d1b;font-size:20px;line-height:1.6;
font-family:"Noto Sans CJK TC","Noto Sans TC","PingFang TC","Microsoft JhengHei",sans-serif;
overflow-wrap:anywhere}
header{background:#1f5f46;color:#fff;padding:16px 20px}
.brand{margin:0;font-size:26px;font-weight:700;letter-spacing:.04em}
.brand span{display:block;font-size:18px;font-weight:400;letter-spacing:0;opacity:.9}
main{max-width:34rem;margin:0 auto;padding:24px 20px 32px}
h1{font-size:28px;line-height:1.35;margin:0 0 20px}
h1 span{display:block;font-size:20px;font-weight:400;color:#4a4a45}
p{margin:0 0 8px}
.en{color:#4a4a45;font-size:18px;margin-bottom:20px}
.box{border-left:6px solid #1f5f46;background:#fff;padding:16px;margin:0 0 24px;border-radius:8px}
.box.bad{border-color:#b3261e;background:#fdf1f0}
.box p:last-child{margin-bottom:0}
form{margin:8px 0 0}
label{display:block;font-weight:700;margin:20px 0 6px}
label span{display:block;font-weight:400;font-size:18px;color:#4a4a45}
input,button{font-family:inherit}
input{display:block;width:100%;font-size:22px;padding:12px 14px;min-height:56px;
border:2px solid #6b6b66;border-radius:10px;background:#fff;color:#1d1d1b}
input:focus,button:focus{outline:4px solid #f2b705;outline-offset:2px}
button{display:block;width:100%;min-height:64px;margin:28px 0 0;padding:12px 16px;
font-size:24px;font-weight:700;line-height:1.3;color:#fff;background:#1f5f46;border:0;
border-radius:12px;cursor:pointer}
button span{display:block;font-size:18px;font-weight:400}
footer{max-width:34rem;margin:0 auto;padding:0 20px 32px;font-size:18px;color:#4a4a45}
"""

_CSS_HASH = base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
#: Only this page's own style; forms post back to us. (`frame-ancestors 'none'` is added to
#: every HTML answer by web/security_headers.py.)
CSP = f"default-src 'none'; style-src 'sha256-{_CSS_HASH}'; form-action 'self'; base-uri 'none'"
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def say(zh: str, en: str, *, bad: bool = False) -> str:
    """A message box: the Chinese, the English beneath it."""
    kind = "box bad" if bad else "box"
    role = ' role="alert"' if bad else ""
    return (
        f'<div class="{kind}"{role}><p>{html.escape(zh)}</p>'
        f'<p class="en" lang="en">{html.escape(en)}</p></div>'
    )


def hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{name}" value="{html.escape(value, quote=True)}">'


def button(zh: str, en: str) -> str:
    return (
        f'<button type="submit">{html.escape(zh)}<span lang="en">{html.escape(en)}</span></button>'
    )


def password_field(name: str, zh: str, en: str) -> str:
    return (
        f'<label for="{name}">{html.escape(zh)}<span lang="en">{html.escape(en)}</span></label>'
        f'<input id="{name}" name="{name}" type="password" autocomplete="new-password" '
        'minlength="8" maxlength="128" required>'
    )


def page(title: tuple[str, str], content: str, status_code: int = 200) -> HTMLResponse:
    """A whole page: the product's name, a heading in both languages, the content."""
    zh, en = (html.escape(t) for t in title)
    document = (
        '<!doctype html><html lang="zh-Hant"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{zh}｜家庭聯絡簿 Familybook</title><style>{CSS}</style></head><body>"
        '<header><p class="brand">家庭聯絡簿<span lang="en">Familybook</span></p></header>'
        f'<main><h1>{zh}<span lang="en">{en}</span></h1>{content}</main>'
        "<footer><p>法務部矯正署 家庭聯絡簿</p>"
        '<p lang="en">Agency of Corrections, Ministry of Justice</p></footer>'
        "</body></html>"
    )
    return HTMLResponse(document, status_code=status_code, headers=HEADERS)
