"""`familybook staff add|list|rotate|disable|update`: operators manage staff accounts.

Every change is audited with the operator as the actor (`operator:<login>`). `add` never
touches an existing account: re-keying is `rotate`, promoting or re-binding is `update`.
"""

import argparse
import getpass
from collections.abc import Iterator
from contextlib import contextmanager

from familybook.bootstrap import build_runtime
from usecases.runtime import Runtime


@contextmanager
def runtime() -> Iterator[Runtime]:
    """A command's runtime without a broker (the sweeper wakes workers for records)."""
    rt = build_runtime(broker=False)
    try:
        yield rt
    finally:
        rt.db.dispose()


def operator_actor() -> str:
    """How the audit log names the operator running a command."""
    try:
        return f"operator:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in a bare container
        return "operator"


def _add(args: argparse.Namespace) -> None:
    from usecases.staff_commands import add

    with runtime() as rt:
        issued = add(
            rt, args.email, args.institution, args.role, name=args.name, actor=operator_actor()
        )
        expires = issued.staff.token_expires_at
    print(
        f"staff {args.email} ({args.role}) token, shown once 憑證只顯示一次 "
        f"(expires {expires:%Y-%m-%d}):\n{issued.token}"
    )


def _list(args: argparse.Namespace) -> None:
    from usecases.staff_commands import listing

    with runtime() as rt:
        rows = listing(rt, args.institution)
    for s in rows:
        state = f"disabled {s.disabled_at:%Y-%m-%d}" if s.disabled_at else "active"
        expires = f"{s.token_expires_at:%Y-%m-%d}" if s.token_expires_at else "-"
        print("\t".join([s.email, s.name, s.role, ",".join(s.institutions), state, expires]))


def _rotate(args: argparse.Namespace) -> None:
    from usecases.staff_commands import rotate

    with runtime() as rt:
        issued = rotate(rt, args.email, actor=operator_actor())
    print(f"new token for {args.email}, shown once 新憑證只顯示一次; the old one stops now:")
    print(issued.token)


def _disable(args: argparse.Namespace) -> None:
    from usecases.staff_commands import disable

    with runtime() as rt:
        disable(rt, args.email, actor=operator_actor())
    print(f"staff {args.email} disabled 已停用")


def _update(args: argparse.Namespace) -> None:
    from usecases.staff_commands import update

    with runtime() as rt:
        update(
            rt,
            args.email,
            actor=operator_actor(),
            role=args.role,
            name=args.name,
            bind=args.add_institution,
            unbind=args.remove_institution,
        )
    print(f"staff {args.email} updated 已更新")


def staff_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    staff = sub.add_parser("staff").add_subparsers(dest="action", required=True)
    add = staff.add_parser("add", help="create staff and print their token once")
    add.add_argument("email")
    add.add_argument("--institution", action="append", required=True)
    add.add_argument("--role", choices=("reviewer", "admin"), default="reviewer")
    add.add_argument("--name", help="shown to other staff (default: the email)")
    add.set_defaults(func=_add)
    listing = staff.add_parser("list", help="staff, their institutions and token expiry")
    listing.add_argument("--institution", help="only this institution's staff")
    listing.set_defaults(func=_list)
    rotate = staff.add_parser("rotate", help="issue a new token; the old one stops at once")
    rotate.add_argument("email")
    rotate.set_defaults(func=_rotate)
    disable = staff.add_parser("disable", help="refuse this staff member from now on")
    disable.add_argument("email")
    disable.set_defaults(func=_disable)
    update = staff.add_parser("update", help="change role, name or institutions explicitly")
    update.add_argument("email")
    update.add_argument("--role", choices=("reviewer", "admin"))
    update.add_argument("--name")
    update.add_argument("--add-institution", action="append", metavar="CODE")
    update.add_argument("--remove-institution", action="append", metavar="CODE")
    update.set_defaults(func=_update)
