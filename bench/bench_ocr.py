"""Benchmark of the OCR pre-fill: raw `tesseract` as installed vs our stage (issues 6 and 14).

    .venv/bin/python bench/bench_ocr.py [--n N] [--n-cards N] [--split held_out|dev]
        [--kinds card,register] [--layouts table,pairs,blocks]
        [--variants scan,pdf,lowres,photo] [--first-seed K] [--engine pool|cli] [--save F]
        [--report F]

Documents of tests/ocr/docgen.py, HELD_OUT seeds by default (never looked at while tuning).
Per document, in the same run: raw (`tesseract PAGE stdout -l chi_tra+eng`, Debian's defaults;
its text through our text-level verifiers), raw1 (the same with OMP_THREAD_LIMIT=1) and ours
(the public prefill_* call as the workers make it). What each column means, the goals and the
measured tables: bench/README_ocr.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from moderation.ocr import (
    Declared,
    Status,
    engine,
    prefill_identity_document,
    prefill_relationship_document,
)
from moderation.ocr.engine import use_engine
from moderation.ocr.pages import load_pages
from moderation.ocr.prefill import merge_pages
from moderation.ocr.text import Line, Word
from tests.ocr.docgen import (
    FONTS,
    LAYOUTS,
    SPLITS,
    VARIANTS,
    Case,
    declared_for,
    expected_for,
    make_card_case,
    make_register_case,
)

FIELDS = {
    "card": ("name", "national_id", "birth_date"),
    "register": ("name", "national_id", "birth_date", "relationship", "inmate_name"),
}
WRONG = {
    "spouse": "parent",
    "parent": "spouse",
    "child": "sibling",
    "sibling": "child",
    "grandparent": "parent",
    "grandchild": "child",
}
GOALS = {
    "ratio": {"scan": 0.3, "pdf": 0.3, "lowres": 0.5, "photo": 0.5},
    "right": {"scan": 0.95, "pdf": 0.95, "lowres": 0.8, "photo": 0.8},
}


def cpu_seconds() -> float:
    """CPU time of this process, its finished children (raw tesseract, the CLI engine) and the
    pool engine's tesseract children: unlike wall time, not inflated by other load on the box."""
    total = time.process_time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    total += kids.ru_utime + kids.ru_stime
    pool = engine._engine
    for proc in pool.procs() if isinstance(pool, engine.PoolEngine) else []:
        stat = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _page_files(case: Case, tmp: Path) -> list[Path]:
    """Files raw tesseract can open: PDF pages become PNGs with their DPI (not timed)."""
    files = []
    for path in case.paths:
        if path.suffix != ".pdf":
            files.append(path)
            continue
        for n, page in enumerate(load_pages(case.sources[0])):
            png = tmp / f"{path.stem}-page{n}.png"
            page.image.save(png, dpi=(page.dpi, page.dpi))
            files.append(png)
    return files


def raw(
    case: Case, tmp: Path, threads: int | None = None
) -> tuple[list[tuple[int, list[Line]]], float, float]:
    """Raw tesseract on every page: as installed (OpenMP picks its threads), or limited to
    `threads` OpenMP threads (on this shared 2-core box the default spins: 3-6x slower)."""
    files = _page_files(case, tmp)
    env = dict(os.environ, **({"OMP_THREAD_LIMIT": str(threads)} if threads else {}))
    t0, c0 = time.perf_counter(), cpu_seconds()
    readings = []
    for path in files:
        out = subprocess.run(
            ["tesseract", str(path), "stdout", "-l", "chi_tra+eng"],
            capture_output=True,
            check=False,
            env=env,
        ).stdout.decode("utf-8", "replace")
        # Raw text has no boxes or confidences: a Line per text line, a Word per token, conf 90.
        lines = [
            Line([Word(t, 10 * j, i * 10, 9, 10, 90.0) for j, t in enumerate(row.split())])
            for i, row in enumerate(out.splitlines())
            if row.strip()
        ]
        readings.append((0, lines))
    return readings, time.perf_counter() - t0, cpu_seconds() - c0


def ours(case: Case, d: Declared) -> tuple[dict[str, str], float, float]:
    """The public entry point, exactly as the workers call it: (statuses, wall s, CPU s)."""
    prefill = prefill_identity_document if case.kind == "card" else prefill_relationship_document
    t0, c0 = time.perf_counter(), cpu_seconds()
    fields = prefill(case.sources, d)
    return {f.field: str(f.status) for f in fields}, time.perf_counter() - t0, cpu_seconds() - c0


def _right(kind: str, got: dict[str, str], expected: dict[str, str]) -> dict[str, bool]:
    return {f: got[f] == expected[f] for f in FIELDS[kind]}


def _unearned(got: dict[str, str], expected: dict[str, str]) -> bool:
    """A `match` for the document's own declaration where a right reader gives none (a
    step-parent read as a parent)."""
    return any(got[f] == Status.MATCH != expected[f] for f in expected)


def _id_or_name_match(got: dict[str, str]) -> bool:
    return Status.MATCH in (got["name"], got["national_id"])


def measure(case: Case, others: list[Declared], tmp: Path) -> dict:
    """Everything the tables need about one document, as plain data (saved with --save)."""
    d, expected = declared_for(case), expected_for(case)
    readings, raw_t, raw_cpu = raw(case, tmp)
    _, raw1_t, raw1_cpu = raw(case, tmp, threads=1)
    raw_got = {f.field: str(f.status) for f in merge_pages(case.kind, readings, d)}
    got, t, cpu = ours(case, d)
    row = {
        "kind": case.kind,
        "layout": case.layout,
        "font": case.font,
        "variant": case.variant,
        "seed": case.seed,
        "pages": len(_page_files(case, tmp)),
        "raw": {
            "t": raw_t,
            "cpu": raw_cpu,
            "right": _right(case.kind, raw_got, expected),
            "fm": [_unearned(raw_got, expected)],
            "got": raw_got,
        },
        "raw1": {"t": raw1_t, "cpu": raw1_cpu},
        "ours": {
            "t": t,
            "cpu": cpu,
            "right": _right(case.kind, got, expected),
            "fm": [_unearned(got, expected)],
            "got": got,
        },
        "expected": expected,
    }
    for other in others:
        raw_other = {f.field: str(f.status) for f in merge_pages(case.kind, readings, other)}
        row["raw"]["fm"].append(_id_or_name_match(raw_other))
        row["ours"]["fm"].append(_id_or_name_match(ours(case, other)[0]))
    if case.kind == "register" and d.relationship in WRONG:
        wrong = replace(d, relationship=WRONG[d.relationship])
        raw_wrong = {f.field: str(f.status) for f in merge_pages(case.kind, readings, wrong)}
        row["raw"]["fm"].append(raw_wrong["relationship"] == Status.MATCH)
        row["ours"]["fm"].append(ours(case, wrong)[0]["relationship"] == Status.MATCH)
    return row


def run_row(
    kind: str, layout: str, variant: str, n: int, first_seed: int, tmp: Path, skip: int = 0
) -> list[dict]:
    """The row's documents `skip` to `skip + n` (seed and type face as in a run from 0)."""
    cases = []
    for k in range(skip, skip + n):
        seed = first_seed + k
        if kind == "card":
            cases.append(make_card_case(seed, variant, tmp, font=FONTS[k % len(FONTS)]))
        else:
            cases.append(
                make_register_case(seed, variant, tmp, layout=layout, font=FONTS[k % len(FONTS)])
            )
    rng = random.Random(first_seed + skip)
    rows = []
    for i, case in enumerate(cases):
        others = [declared_for(c) for j, c in enumerate(cases) if j != i]
        rows.append(measure(case, rng.sample(others, min(2, len(others))), tmp))
    return rows


def _share(values: list[bool]) -> float:
    return sum(values) / len(values) if values else float("nan")


def summarise(rows: list[dict], key: str) -> None:
    """One line per (kind, key, variant) group: times, ratio, accuracy, false matches."""
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for r in rows:
        groups.setdefault((r["kind"], r[key], r["variant"]), []).append(r)
    print(
        f"\n{'kind':8} {key:7} {'variant':7} {'n':>3} {'raw s':>6} {'raw1 s':>6} {'ours s':>6} "
        f"{'ratio':>5} {'/raw1':>5} {'cpu/1':>5}  {'right raw':>9} {'ours':>5}  "
        f"{'false match raw':>15} {'ours':>6}  goals"
    )
    for (kind, value, variant), rs in sorted(groups.items()):
        med = {w: statistics.median(r[w]["t"] for r in rs) for w in ("raw", "raw1", "ours")}
        cpu = {w: statistics.median(r[w]["cpu"] for r in rs) for w in ("raw", "raw1", "ours")}
        right = {
            w: _share([ok for r in rs for ok in r[w]["right"].values()]) for w in ("raw", "ours")
        }
        fm = {w: [x for r in rs for x in r[w]["fm"]] for w in ("raw", "ours")}
        ratio = med["ours"] / med["raw"]
        met = (
            ratio <= GOALS["ratio"][variant]
            and right["ours"] >= GOALS["right"][variant]
            and not any(fm["ours"])
        )
        print(
            f"{kind:8} {value:7} {variant:7} {len(rs):3} {med['raw']:6.2f} {med['raw1']:6.2f} "
            f"{med['ours']:6.2f} {ratio:5.2f} {med['ours'] / med['raw1']:5.2f} "
            f"{cpu['ours'] / cpu['raw1']:5.2f}  {right['raw']:9.0%} "
            f"{right['ours']:5.0%}  {sum(fm['raw']):>10}/{len(fm['raw']):<4} "
            f"{sum(fm['ours']):>3}/{len(fm['ours']):<3} {'met' if met else 'MISSED'}"
        )


def report(rows: list[dict]) -> None:
    summarise(rows, "layout")
    summarise(rows, "font")
    by_field: dict[str, list[bool]] = {}
    for r in rows:
        for f, ok in r["ours"]["right"].items():
            by_field.setdefault(f"{r['kind']}.{f}", []).append(ok)
    print(
        "\nours, right per field: "
        + ", ".join(f"{k} {_share(v):.0%}" for k, v in sorted(by_field.items()))
    )
    fm = [x for r in rows for x in r["ours"]["fm"]]
    print(
        f"false matches in all: ours {sum(fm)}/{len(fm)}, raw "
        f"{sum(x for r in rows for x in r['raw']['fm'])}/{len(fm)}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5, help="registers per layout and variant")
    ap.add_argument("--n-cards", type=int, default=10, help="cards per variant")
    ap.add_argument("--split", choices=tuple(SPLITS), default="held_out")
    ap.add_argument("--kinds", default="card,register")
    ap.add_argument("--layouts", default=",".join(LAYOUTS), help="register layouts")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument(
        "--first-seed",
        type=int,
        default=0,
        help="each row's documents start this far into the row's seeds (0-499: another sample"
        " of the same split, e.g. DEV documents not yet looked at)",
    )
    ap.add_argument(
        "--engine",
        choices=("pool", "cli"),
        default="pool",
        help="pool: persistent tesseract child (default); cli: tesseract per image",
    )
    ap.add_argument("--save", type=Path, help="write every document's measurements as JSON")
    ap.add_argument("--report", type=Path, help="only print the tables of a saved run")
    args = ap.parse_args()
    if not 0 <= args.first_seed <= 500 - max(args.n, args.n_cards):
        ap.error("--first-seed: a row's seeds must stay within its 500 (the split's rows apart)")
    if args.report:
        report(json.loads(args.report.read_text()))
        return
    use_engine(args.engine)
    rows: list[dict] = []
    base = SPLITS[args.split].start
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        warm = make_card_case(base, "scan", tmp)  # start the OCR child once, as a worker does
        ours(warm, declared_for(warm))
        for kind in args.kinds.split(","):
            layouts = args.layouts.split(",") if kind == "register" else ["card"]
            for li, layout in enumerate(layouts):
                for vi, variant in enumerate(args.variants.split(",")):
                    first = base + 1000 * (10 * li + vi) + (500 if kind == "card" else 0)
                    n = args.n_cards if kind == "card" else args.n
                    got = run_row(kind, layout, variant, n, first, tmp, args.first_seed)
                    rows += got
                    print(
                        f"{kind} {layout} {variant}: done {len(got)}", file=sys.stderr, flush=True
                    )
                    if args.save:  # after every row: a long run that fails keeps what it did
                        args.save.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    report(rows)


if __name__ == "__main__":
    main()
