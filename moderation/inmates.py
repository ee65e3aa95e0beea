"""How an inmate is shown to families: callsign and a masked name (`7375 王○○`)."""

MASK = "○"


def mask_name(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    return name[0] + MASK * max(len(name) - 1, 1)
