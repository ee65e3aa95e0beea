"""Memory of the API process while large uploads stream in (uploads are never held in memory).

    .venv/bin/python bench/bench_upload_memory.py [--concurrency 10] [--sizes-mb 30,3]

Starts the real API as a separate process on a free loopback port, with FAMILYBOOK_DATA_DIR in a
temporary directory (embedded mode: SQLite, in-process broker, emails as .eml files):

1. `familybook migrate`, `familybook institution add`, `familybook inmates import` (one inmate
   per application: the rule is one service per inmate, so every upload can be accepted with 202).
2. `familybook serve`: families register over HTTP, the verification token is read from the
   .eml under DATA_DIR/mail/, then POST /api/v1/accounts/verify and POST /api/v1/sessions.
3. Mode `serve`: on that same `familybook serve` process (checks run in-process after each
   upload, as in embedded production), for each size: warm-up upload, idle RSS, then
   `concurrency` simultaneous multipart POST /api/v1/applications, each of two files of half the
   size (total under the institution's 30 MiB `max_application_bytes`), streamed by the client
   from one reused 1 MiB block. A thread samples /proc/PID/status VmRSS every 20 ms; VmHWM is
   reset beforehand through /proc/PID/clear_refs (5), so it catches a peak between samples.
4. Mode `upload-only`: the same against `create_app(run_workers=False)` under uvicorn (this script
   re-run with --child-serve) on the same data dir, so that only the upload path is measured.
5. Checks that every accepted upload landed: each row of `files` for the batch points to a file
   under DATA_DIR/files with the declared size, nothing is left in files/tmp, and the count of
   files under DATA_DIR/files grew by at least 2 per accepted upload.

With `--s3` the documents go to S3-compatible object storage instead (FAMILYBOOK_STORAGE_URL):
a moto S3 server started by this script on 127.0.0.1, so uploads stream as multipart parts.
Files are checked through the file store (decrypted size, unfinished uploads), either backend.

Only the server process is measured (the client is this process). Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import email
import email.policy
import http.client
import io
import json
import os
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MiB = 1024 * 1024
HOST = "127.0.0.1"
INSTITUTION = "BENCH"
PASSWORD = "correct horse battery staple"
FAMILYBOOK = Path(sys.executable).with_name("familybook")
DEADLINE_S = 110  # the whole run stays under two minutes


# --------------------------------------------------------------------------- server process


def child_serve(port: int) -> None:
    """The API without in-process workers: only the HTTP/upload path runs in this process."""
    import uvicorn

    from familybook.app import create_app

    uvicorn.run(create_app(run_workers=False), host=HOST, port=port, log_level="warning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


#: The object store's settings under --s3 (empty: files under DATA_DIR).
STORAGE_ENV: dict[str, str] = {}


def bench_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILYBOOK_")}
    env["FAMILYBOOK_DATA_DIR"] = str(data_dir)
    # All the bench's families register from 127.0.0.1: lift the per-address limit (issue 12).
    env["FAMILYBOOK_REGISTER_PER_ADDRESS"] = "1000"
    env.update(STORAGE_ENV)
    env["NO_PROXY"] = env["no_proxy"] = "*"
    return env


class Server:
    def __init__(self, argv: list[str], env: dict[str, str], port: int, log: Path) -> None:
        self.port = port
        self._log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            argv, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.pid = self.proc.pid
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {log}")
            try:
                if request("GET", port, "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer /healthz within 30 s; see {log}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # our own session: server + its children
                self.proc.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._log.close()


# --------------------------------------------------------------------------- HTTP client


def request(
    method: str, port: int, path: str, body: dict | None = None, token: str | None = None
) -> tuple[int, dict]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        resp = conn.getresponse()
        raw = resp.read()
    finally:
        conn.close()
    try:
        return resp.status, json.loads(raw) if raw else {}
    except ValueError:
        return resp.status, {"raw": raw[:200].decode("latin-1")}


_JPEG_HEAD: bytes | None = None


def jpeg_head() -> bytes:
    """A small real JPEG so the upload starts like a photo of a document."""
    global _JPEG_HEAD
    if _JPEG_HEAD is None:
        from PIL import Image

        out = io.BytesIO()
        Image.new("RGB", (64, 48), "white").save(out, "JPEG", quality=80)
        _JPEG_HEAD = out.getvalue()
    return _JPEG_HEAD


BLOCK = os.urandom(MiB)  # the one buffer the client reuses for every file of every upload


@dataclass
class Part:
    name: str
    value: str | None = None  # a text field
    filename: str | None = None
    content_type: str = "application/octet-stream"
    size: int = 0  # file parts: bytes generated on the fly


def _part_head(boundary: str, p: Part) -> bytes:
    disp = f'form-data; name="{p.name}"'
    if p.filename is not None:
        disp += f'; filename="{p.filename}"'
        return (
            f"--{boundary}\r\nContent-Disposition: {disp}\r\nContent-Type: {p.content_type}\r\n\r\n"
        ).encode()
    return f"--{boundary}\r\nContent-Disposition: {disp}\r\n\r\n".encode()


def multipart_stream(parts: list[Part]) -> tuple[str, int, object]:
    """(content type, exact length, iterator of chunks): the body is never built in memory."""
    boundary = uuid.uuid4().hex
    head = jpeg_head()
    length = 0
    for p in parts:
        length += len(_part_head(boundary, p)) + 2  # + CRLF after the content
        length += len((p.value or "").encode()) if p.filename is None else p.size
    length += len(f"--{boundary}--\r\n")

    def chunks():
        for p in parts:
            yield _part_head(boundary, p)
            if p.filename is None:
                yield (p.value or "").encode()
            else:
                yield head
                left = p.size - len(head)
                while left > 0:
                    n = min(left, len(BLOCK))
                    yield BLOCK if n == len(BLOCK) else BLOCK[:n]
                    left -= n
            yield b"\r\n"
        yield f"--{boundary}--\r\n".encode()

    return f"multipart/form-data; boundary={boundary}", length, chunks()


@dataclass
class Result:
    status: int = 0
    body: dict = field(default_factory=dict)
    seconds: float = 0.0
    error: str = ""


def upload_application(
    port: int, token: str, callsign: str, total_bytes: int, start: threading.Barrier | None
) -> Result:
    half = total_bytes // 2
    parts = [
        Part("institution", INSTITUTION),
        Part("callsign", callsign),
        Part("relationship", "spouse"),
        Part("identity_documents", filename="id-card.jpg", content_type="image/jpeg", size=half),
        Part(
            "relationship_documents",
            filename="household.jpg",
            content_type="image/jpeg",
            size=total_bytes - half,
        ),
    ]
    ctype, length, body = multipart_stream(parts)
    res = Result()
    conn = http.client.HTTPConnection(HOST, port, timeout=90)
    try:
        if start is not None:
            start.wait(30)
        t0 = time.monotonic()
        conn.putrequest("POST", "/api/v1/applications")
        conn.putheader("Authorization", f"Bearer {token}")
        conn.putheader("Content-Type", ctype)
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        for chunk in body:
            conn.send(chunk)
        resp = conn.getresponse()
        raw = resp.read()
        res.seconds = time.monotonic() - t0
        res.status = resp.status
        try:
            res.body = json.loads(raw)
        except ValueError:
            res.body = {"raw": raw[:200].decode("latin-1")}
    except Exception as exc:  # a broken pipe after an early refusal, a timeout…
        res.error = f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()
    return res


# --------------------------------------------------------------------------- memory sampling


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM and RssAnon (the heap: RSS without mapped files) in KiB."""
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:", "RssAnon:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0])
    return out


def reset_hwm(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


class Sampler(threading.Thread):
    def __init__(self, pid: int, every_s: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.every_s = pid, every_s
        self.samples: list[int] = []
        self.anon: list[int] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                st = proc_status(self.pid)
                self.samples.append(st["VmRSS"])
                self.anon.append(st.get("RssAnon", 0))
            except (OSError, KeyError):
                return
            self._halt.wait(self.every_s)

    def stop(self) -> list[int]:
        self._halt.set()
        self.join()
        return self.samples


def idle_rss_kib(pid: int, seconds: float = 0.6) -> tuple[int, int]:
    """Median (VmRSS, RssAnon) over a short quiet window."""
    rss, anon = [], []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        st = proc_status(pid)
        rss.append(st["VmRSS"])
        anon.append(st.get("RssAnon", 0))
        time.sleep(0.02)
    return int(statistics.median(rss)), int(statistics.median(anon))


# --------------------------------------------------------------------------- setup


@dataclass
class Family:
    email: str
    token: str = ""


def national_id(n: int) -> str:
    from moderation.national_id import check_digit_for

    first = f"B2{n:07d}"
    return first + check_digit_for(first)


def setup_institution(env: dict[str, str], data_dir: Path, callsigns: list[str]) -> None:
    def run(*args: str) -> None:
        subprocess.run(
            [str(FAMILYBOOK), *args], env=env, check=True, capture_output=True, timeout=60
        )

    run("migrate")
    run("institution", "add", INSTITUTION, "壓測矯正機關 Bench")
    roster = data_dir / "roster.csv"
    with open(roster, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "callsign",
                "name",
                "youngest_child_birth_date",
                "restricted_until",
                "restriction_reason",
            ]
        )
        for i, cs in enumerate(callsigns):
            w.writerow([cs, f"收容人{i:02d}", "2016-04-01", "", ""])
    run("inmates", "import", INSTITUTION, str(roster))


def verification_tokens(mail_dir: Path) -> dict[str, str]:
    tokens = {}
    for path in mail_dir.glob("**/*.eml"):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        part = msg.get_body(("plain", "html")) if msg.is_multipart() else msg
        text = part.get_content() if part is not None else ""
        m = re.search(r"verify-email\?token=([A-Za-z0-9_\-]+)", text)
        if m:
            tokens[str(msg["To"]).strip().lower()] = m.group(1)
    return tokens


def register_families(port: int, mail_dir: Path, families: list[Family], base: int) -> None:
    """Register, verify and log in each family. Argon2 makes each step ~0.5 s, so 2 threads."""

    def register(i: int, fam: Family) -> None:
        body = {
            "name": "王小明",
            "national_id": national_id(base + i),
            "email": fam.email,
            "birth_date": "1985-02-03",
            "mobile": "0912345678",
            "phone": "02-23456789",
            "password": PASSWORD,
            "consent": True,
        }
        status, answer = request("POST", port, "/api/v1/accounts", body)
        if status != 201:
            raise RuntimeError(f"register {fam.email}: {status} {answer}")

    def log_in(fam: Family) -> None:
        status, answer = request(
            "POST", port, "/api/v1/accounts/verify", {"token": tokens[fam.email]}
        )
        if status != 200:
            raise RuntimeError(f"verify {fam.email}: {status} {answer}")
        status, answer = request(
            "POST", port, "/api/v1/sessions", {"email": fam.email, "password": PASSWORD}
        )
        if status != 201:
            raise RuntimeError(f"login {fam.email}: {status} {answer}")
        fam.token = answer["token"]

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(register, range(len(families)), families))
    wanted = {f.email for f in families}
    deadline = time.monotonic() + 30
    tokens: dict[str, str] = {}
    while time.monotonic() < deadline:
        tokens = verification_tokens(mail_dir)
        if wanted <= tokens.keys():
            break
        time.sleep(0.2)
    missing = wanted - tokens.keys()
    if missing:
        raise RuntimeError(f"no verification email under {mail_dir} for {sorted(missing)[:3]}…")
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(log_in, families))


# --------------------------------------------------------------------------- one measurement


@dataclass
class Row:
    mode: str
    size_mb: float
    concurrency: int
    idle_mb: float
    peak_mb: float
    hwm_mb: float | None
    anon_diff_mb: float
    statuses: dict[int | str, int]
    wall_s: float
    landed: str

    @property
    def diff_mb(self) -> float:
        return max(self.peak_mb, self.hwm_mb or 0) - self.idle_mb


def file_store(data_dir: Path):  # type: ignore[no-untyped-def]
    """The store the server uses (same data dir, so the same key; the bucket under --s3)."""
    from core.settings import Settings
    from familybook.bootstrap import file_store as make

    names = {k.removeprefix("FAMILYBOOK_").lower(): v for k, v in STORAGE_ENV.items()}
    return make(Settings(data_dir=data_dir, **names))


def check_landed(data_dir: Path, submission_ids: list[str]) -> tuple[int, int, list[str]]:
    """(rows found, rows whose file is stored with the right plaintext size, problems)."""
    store = file_store(data_dir)
    db = sqlite3.connect(data_dir / "familybook.sqlite3")
    problems, rows, good = [], 0, 0
    try:
        for sid in submission_ids:
            found = db.execute(
                "SELECT f.storage_key, f.size FROM files f JOIN attempts a ON a.id = f.attempt_id"
                " WHERE a.submission_id = ?",
                (sid,),
            ).fetchall()
            if len(found) != 2:
                problems.append(f"{sid}: {len(found)} file rows")
            for key, size in found:
                rows += 1
                if store.exists(key) and sum(map(len, store.chunks(key))) == size:
                    good += 1
                else:
                    problems.append(f"{sid}: {key} missing or wrong size")
    finally:
        db.close()
    # Unfinished uploads (S3) or temporary files; not the working copies of checks still running.
    left = store.unfinished_uploads()
    if left:
        problems.append(f"{left} unfinished writes left in the store")
    return rows, good, problems


def wait_quiet(port: int, fam: Family, app_id: str, timeout: float = 20.0) -> None:
    """In `serve` mode let the warm-up application's checks finish before measuring idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body = request("GET", port, f"/api/v1/applications/{app_id}", token=fam.token)
        if status == 200 and body.get("status") not in ("received", "checking"):
            return
        time.sleep(0.2)


def summarize(mode: str, results: list[Result | None]) -> tuple[dict[int | str, int], list[str]]:
    """(count per status code or error, ids of the accepted applications)."""
    statuses: dict[int | str, int] = {}
    ids = []
    for res in results:
        key: int | str = res.status if res and res.status else (res.error if res else "no result")
        statuses[key] = statuses.get(key, 0) + 1
        if res and res.status == 202:
            ids.append(res.body["id"])
        elif res:
            print(f"  [{mode}] answered {res.status} {res.body or res.error}", file=sys.stderr)
    return statuses, ids


def measure(
    mode: str,
    server: Server,
    data_dir: Path,
    warmup: tuple[Family, str],
    batch: list[tuple[Family, str]],
    size_bytes: int,
    wait_checks: bool,
) -> Row:
    port, pid = server.port, server.pid
    # Warm-up: one small application through the whole path (imports, pools, DB connections).
    r = upload_application(port, warmup[0].token, warmup[1], 2 * MiB, None)
    if r.status != 202:
        raise RuntimeError(f"warm-up upload: {r.status} {r.body} {r.error}")
    if wait_checks:
        wait_quiet(port, warmup[0], r.body["id"])
    for _ in range(3):
        request("GET", port, "/api/v1/institutions", token=warmup[0].token)
    time.sleep(0.5)
    idle, idle_anon = idle_rss_kib(pid)
    files_before = file_store(data_dir).count()

    hwm_ok = reset_hwm(pid)
    start = threading.Barrier(len(batch) + 1)
    results: list[Result | None] = [None] * len(batch)

    def one(i: int, fam: Family, callsign: str) -> None:
        results[i] = upload_application(port, fam.token, callsign, size_bytes, start)

    threads = [
        threading.Thread(target=one, args=(i, *pair), daemon=True) for i, pair in enumerate(batch)
    ]
    for t in threads:
        t.start()
    sampler = Sampler(pid)
    sampler.start()
    t0 = time.monotonic()
    start.wait(30)
    for t in threads:
        t.join(90)
    wall = time.monotonic() - t0
    samples = sampler.stop()
    hwm = proc_status(pid)["VmHWM"] if hwm_ok else None

    statuses, ids = summarize(mode, results)
    _, good, problems = check_landed(data_dir, ids)
    grown = file_store(data_dir).count() - files_before
    landed = f"{good}/{2 * len(batch)} ok, +{grown} files"
    if grown < 2 * len(ids):
        problems.append(f"only {grown} new files in the store for {len(ids)} uploads")
    for p in problems[:5]:
        print(f"  [{mode}] {p}", file=sys.stderr)
    if problems:
        landed += f", {len(problems)} problem(s)"
    return Row(
        mode=mode,
        size_mb=size_bytes / 1_000_000,
        concurrency=len(batch),
        idle_mb=idle / 1024,
        peak_mb=max(samples or [0]) / 1024,
        hwm_mb=hwm / 1024 if hwm is not None else None,
        anon_diff_mb=(max(sampler.anon or [0]) - idle_anon) / 1024,
        statuses=statuses,
        wall_s=wall,
        landed=landed,
    )


def print_table(rows: list[Row]) -> None:
    head = (
        f"{'mode':<12} {'upload':>9} {'conc':>4} {'idle RSS':>9} {'peak RSS':>9} "
        f"{'peak HWM':>9} {'diff':>7} {'anon diff':>9} {'wall':>6}  {'statuses':<10} landed"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        hwm = f"{r.hwm_mb:8.1f}M" if r.hwm_mb is not None else f"{'n/a':>9}"
        sts = ",".join(f"{k}x{v}" for k, v in r.statuses.items())
        print(
            f"{r.mode:<12} {r.size_mb:7.1f}MB {r.concurrency:>4} {r.idle_mb:8.1f}M "
            f"{r.peak_mb:8.1f}M {hwm} {r.diff_mb:6.1f}M {r.anon_diff_mb:8.1f}M {r.wall_s:5.1f}s"
            f"  {sts:<10} {r.landed}"
        )
    print(
        "\nRSS in MiB of the API process only. peak RSS: max VmRSS sampled every 20 ms while the"
        " uploads streamed;\npeak HWM: VmHWM over the same window (reset via clear_refs);"
        " diff = max(peak RSS, peak HWM) - idle;\nanon diff: peak RssAnon - idle RssAnon (heap"
        " only; pages of files the checks mmap count as RssFile).\nupload: multipart file bytes"
        " per request in 10^6 bytes (two files of half that size).\nserve = `familybook serve`"
        " (embedded: the checks run in the same process as uploads finish);\nupload-only ="
        " create_app(run_workers=False) under uvicorn: the upload path alone."
    )


# --------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--concurrency", type=int, default=10)
    ap.add_argument(
        "--sizes-mb", default="30,3", help="upload sizes in MB (10^6 bytes), comma-separated"
    )
    ap.add_argument("--modes", default="serve,upload-only")
    ap.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    ap.add_argument("--s3", action="store_true", help="documents in a moto S3 server it starts")
    ap.add_argument("--child-serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_serve:
        child_serve(args.child_serve)
        return 0
    if args.s3:
        from tests.support.s3 import moto_server

        with moto_server() as s3:
            STORAGE_ENV.update(s3.env(s3.new_bucket(), prefix="bench"))
            return run(args)
    return run(args)


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    # 30 MB = 28.6 MiB, under the institution's 30 MiB limit and the 32 MiB request ceiling.
    sizes = [int(float(s) * 1_000_000) for s in args.sizes_mb.split(",") if s]
    modes = [m for m in args.modes.split(",") if m]
    n = args.concurrency
    batches_needed = len(sizes) * len(modes)
    callsigns = [f"{5000 + i}" for i in range(batches_needed * (n + 1))]
    # n + 1 families (the first does the warm-ups); each batch uses its own n + 1 inmates.
    families = [Family(f"bench{i:03d}@example.org") for i in range(n + 1)]

    tmp = Path(tempfile.mkdtemp(prefix="fb-bench-mem-"))
    data_dir = tmp / "data"
    data_dir.mkdir()
    env = bench_env(data_dir)
    rows: list[Row] = []
    server: Server | None = None
    try:
        setup_institution(env, data_dir, callsigns)
        port = free_port()
        server = Server(
            [str(FAMILYBOOK), "serve", "--host", HOST, "--port", str(port)],
            env,
            port,
            tmp / "serve.log",
        )
        register_families(port, data_dir / "mail", families, base=1)
        print(
            f"setup: {len(families)} verified families, {len(callsigns)} inmates"
            f" ({time.monotonic() - started:.1f}s); data dir {data_dir}",
            file=sys.stderr,
        )
        groups = iter(
            [
                list(zip(families, callsigns[i : i + n + 1], strict=True))
                for i in range(0, len(callsigns), n + 1)
            ]
        )
        for mode in modes:
            if mode == "upload-only":
                server.stop()
                port = free_port()
                server = Server(
                    [sys.executable, str(Path(__file__).resolve()), "--child-serve", str(port)],
                    env,
                    port,
                    tmp / "upload-only.log",
                )
            elif mode != "serve":
                raise SystemExit(f"unknown mode {mode}")
            for size in sizes:
                if time.monotonic() - started > DEADLINE_S:
                    print("time budget used up; stopping early", file=sys.stderr)
                    break
                group = next(groups)
                rows.append(
                    measure(mode, server, data_dir, group[0], group[1:], size, mode == "serve")
                )
    finally:
        if server is not None:
            server.stop()
        if not args.keep:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}", file=sys.stderr)
    print_table(rows)
    print(f"\ntotal {time.monotonic() - started:.1f}s")
    ok = all(set(r.statuses) == {202} and "problem" not in r.landed for r in rows)
    return 0 if ok and rows else 1


if __name__ == "__main__":
    sys.exit(main())
