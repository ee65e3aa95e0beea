"""Configuration that cannot work, said in one line (issue 13).

A command that meets one stops with exit code 2 and that line on stderr: an operator reading a
container's log sees what to fix, not a 31-line traceback.
"""

from pydantic import ValidationError

#: Exit code of a command stopped by bad configuration (and of refused input), as argparse uses.
EXIT_CONFIG = 2
#: Values of these settings are never echoed: they may hold a password.
SECRET_LIKE = ("url", "password", "secret", "token")


class ConfigError(Exception):
    """Configuration that cannot work; `str(exc)` is the one line the operator reads."""


def describe_settings_error(exc: ValidationError) -> str:
    """Every wrong setting in one line: which variable, what it holds, what it must be."""
    parts = []
    for err in exc.errors():
        name = "_".join(str(p) for p in err.get("loc", ())) or "settings"
        variable = f"FAMILYBOOK_{name.upper()}"
        reason = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        if any(word in name for word in SECRET_LIKE):
            parts.append(f"{variable}: {reason}")
        else:
            parts.append(f"{variable}={err.get('input')!r}: {reason}")
    return "configuration error 設定錯誤: " + "; ".join(parts)
