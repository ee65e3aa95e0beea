"""The one settings object. Every knob is an environment variable with the FAMILYBOOK_ prefix."""

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import make_url

from core.config_errors import ConfigError

#: How long an email-verification link stays usable (SPEC: 10 minutes).
DEFAULT_VERIFY_TOKEN_MINUTES = 10
#: How long a family's login token lives.
DEFAULT_SESSION_HOURS = 12
#: A reviewer's claim on an item lasts this long unless given back (API: 15 minutes).
DEFAULT_CLAIM_LEASE_MINUTES = 15
#: Hard ceiling of one upload request, before the institution's own limit is known.
DEFAULT_MAX_REQUEST_BYTES = 32 * 1024 * 1024
#: argon2id cost: argon2-cffi's defaults (RFC 9106's low-memory profile), about 0.15 s a hash
#: here. Tests lower them through the environment; production keeps these.
DEFAULT_ARGON2_TIME_COST = 3
DEFAULT_ARGON2_MEMORY_KIB = 64 * 1024
DEFAULT_ARGON2_PARALLELISM = 4
#: Database connections one process keeps open (PostgreSQL), and how many more it may open briefly.
DEFAULT_DB_POOL_SIZE = 10
DEFAULT_API_THREADS = 8
DEFAULT_DB_MAX_OVERFLOW = 10
#: Debian's fonts-arphic-uming: TrueType outlines, which PDF libraries embed (the Noto CJK
#: collections are CFF, which reportlab cannot embed).
DEFAULT_PRINT_FONT = "/usr/share/fonts/truetype/arphic/uming.ttc"
#: Staff tokens are rotated at least this often (API.md 1.1: FAMILYBOOK_STAFF_TOKEN_DAYS).
DEFAULT_STAFF_TOKEN_DAYS = 90
#: issue 12: rate limits count requests in windows of this length.
DEFAULT_RATE_WINDOW_MINUTES = 60
#: issue 12: the largest JSON body any route takes (a registration is about 1 KiB).
DEFAULT_MAX_JSON_BYTES = 256 * 1024
#: issue 12: what production refuses: addresses only this machine reaches, sample passwords.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0", None)
SAMPLE_PASSWORDS = ("familybook", "postgres", "password", "changethis", "")
#: Database URLs we run on (SQLAlchemy dialects); anything else stops at start.
DATABASE_SCHEMES = ("sqlite://", "postgresql://", "postgresql+psycopg://")
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
#: issue 13: documents in object storage, `s3://bucket/optional/prefix` (S3's bucket naming).
S3_URL = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(?P<prefix>.*))?$")
DEFAULT_S3_PART_MIB = 8


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FAMILYBOOK_", extra="ignore")

    #: Where files, the SQLite database and (embedded mode) the outgoing mail live.
    data_dir: Path = Path("./data")
    #: SQLAlchemy URL; empty means a SQLite file in the data dir.
    database_url: str = ""
    #: redis://… switches to dramatiq on Redis with separate worker processes.
    redis_url: str = ""
    #: smtp://host:port or smtps://user:pass@host:port; empty writes .eml files under data/mail.
    smtp_url: str = ""
    #: The portal's address; verification links point there.
    public_url: str = "http://localhost:8000"
    mail_from: str = "家庭聯絡簿 Familybook <no-reply@familybook.localhost>"

    # Durations and counts are range-checked (issue 13): a negative lease or a zero window
    # would run, silently wrong, instead of stopping at start with one readable line.
    verify_token_minutes: int = Field(DEFAULT_VERIFY_TOKEN_MINUTES, ge=1)
    session_hours: int = Field(DEFAULT_SESSION_HOURS, ge=1)
    claim_lease_minutes: int = Field(DEFAULT_CLAIM_LEASE_MINUTES, ge=1)
    max_request_bytes: int = Field(DEFAULT_MAX_REQUEST_BYTES, ge=1024)
    #: Failed logins for one email within the window before 429.
    login_max_failures: int = Field(5, ge=1)
    login_failure_window_minutes: int = Field(15, ge=1)

    #: Submissions in received/checking longer than this are sent to the workers again.
    sweep_stuck_after_s: int = Field(300, ge=1)
    sweep_interval_s: int = Field(30, ge=1)
    #: Email retries back off from this many seconds, doubling.
    outbox_retry_base_s: int = Field(30, ge=1)
    #: A running OCR renews its claim before each document; a claim not renewed for this long
    #: belongs to a dead worker and is taken over (longer than one document's 60 s limit).
    ocr_claim_stale_after_s: int = Field(150, ge=1)
    #: "pool": one libtesseract child per worker, the model loaded once; "cli": pytesseract,
    #: the tesseract command per image (also the fallback when the child cannot start).
    ocr_engine: Literal["pool", "cli"] = "pool"
    #: Tesseract children a worker process reads with (the pool engine). Unset: one per core,
    #: at most 4, for one worker process a machine; with N processes on a machine, cores / N
    #: keeps them from contending for the same cores.
    ocr_children: int | None = Field(None, ge=1, le=16)

    argon2_time_cost: int = Field(DEFAULT_ARGON2_TIME_COST, ge=1)
    argon2_memory_kib: int = Field(DEFAULT_ARGON2_MEMORY_KIB, ge=8)
    argon2_parallelism: int = Field(DEFAULT_ARGON2_PARALLELISM, ge=1)
    db_pool_size: int = Field(DEFAULT_DB_POOL_SIZE, ge=1)
    #: Threads an API process runs its database work and file writes on (AnyIO's default is
    #: 40). Under one GIL, 40 threads each a few statements from done mostly wait for one another;
    #: fewer, each finishing, answer sooner (bench/bench_load.py's families measured it).
    api_threads: int = Field(DEFAULT_API_THREADS, ge=1)
    db_max_overflow: int = Field(DEFAULT_DB_MAX_OVERFLOW, ge=0)
    #: A PostgreSQL connection idle in the pool longer than this is tested before use (0: every
    #: use, one more round trip each); a younger one is trusted (storage/pool_ping.py says why).
    db_ping_after_idle_s: float = Field(5.0, ge=0)
    #: PostgreSQL's parallel workers per query (max_parallel_workers_per_gather) on this
    #: process's connections. 0: none. A page's query on a 2-core machine gains nothing from
    #: them: starting them cost more than the scan (a flagged queue page took 21-30 ms with
    #: two, 12-16 ms without), and the other requests wanted those cores anyway.
    db_parallel_workers: int = Field(0, ge=0)
    #: The scheduling priority (nice) `familybook worker` runs its checks and OCR at. Workers
    #: are batch work: a family waits seconds for a check anyway, but a page waits on the API.
    #: Where both share cores, the API then gets them first (0 = no preference; Linux only).
    worker_nice: int = Field(10, ge=0, le=19)
    #: Workers also under Linux's SCHED_IDLE policy: a waking API thread or PostgreSQL backend
    #: then takes the core at once. A nice value only weighs shares, and under EEVDF a page's
    #: every database round trip could wait out a worker's slice (bench_load's families).
    worker_sched_idle: bool = True

    # --- issue 13 (operations) ---
    #: "text" (human-readable) or "json": one JSON object a line for a log collector.
    log_format: Literal["text", "json"] = "text"
    #: GET /metrics and workers' metrics ports answer only `Authorization: Bearer <token>`
    #: (core/metrics_access.py). The file form suits compose secrets; it wins when both are set.
    metrics_token: str = ""
    metrics_token_file: Path | None = None
    #: Where documents are kept: empty = DATA_DIR/files; `s3://bucket/prefix` = S3-compatible
    #: object storage, shared by the API and workers on any machine.
    storage_url: str = ""
    #: The object store's address for anything but AWS itself (MinIO, Ceph…: http://minio:9000).
    s3_endpoint_url: str = ""
    #: Empty: boto3's own (AWS_DEFAULT_REGION, else us-east-1).
    s3_region: str = ""
    #: Empty: boto3's own credentials (AWS_ACCESS_KEY_ID…, an instance role).
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    #: Uploads stream to the store in parts of this size: what one upload holds in memory.
    #: S3 takes parts of 5 MiB at least.
    s3_part_mib: int = Field(DEFAULT_S3_PART_MIB, ge=5, le=512)

    @field_validator("storage_url")
    @classmethod
    def _storage_url_is_one(cls, value: str) -> str:
        if value and not S3_URL.match(value):
            raise ValueError(
                "must be s3://bucket or s3://bucket/prefix (a bucket of 3-63 lowercase letters, "
                "digits, dots, hyphens), or unset for files under FAMILYBOOK_DATA_DIR"
            )
        return value

    @field_validator("s3_endpoint_url")
    @classmethod
    def _endpoint_is_http(cls, value: str) -> str:
        if value and not (value.startswith(("http://", "https://")) and urlsplit(value).hostname):
            raise ValueError("must be an http:// or https:// address, e.g. http://minio:9000")
        return value

    @property
    def s3_location(self) -> tuple[str, str] | None:
        """(bucket, prefix) when documents are in object storage; None for the local folder."""
        found = S3_URL.match(self.storage_url)
        return (found["bucket"], (found["prefix"] or "").strip("/")) if found else None

    @field_validator("database_url")
    @classmethod
    def _database_url_is_one(cls, value: str) -> str:
        if value and not value.startswith(DATABASE_SCHEMES):
            raise ValueError(f"must start with one of {', '.join(DATABASE_SCHEMES)}")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url_is_one(cls, value: str) -> str:
        if value and not value.startswith(REDIS_SCHEMES):
            raise ValueError(f"must start with one of {', '.join(REDIS_SCHEMES)}")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url_is_one(cls, value: str) -> str:
        if value and not value.startswith(("smtp://", "smtps://")):
            raise ValueError("must start with smtp:// or smtps://")
        return value

    # Issue 10b: printing deliveries, staff tokens
    #: A TrueType font with Traditional Chinese (a .ttc collection or a .ttf) for printed posts;
    #: scripts/setup.sh installs this one (fonts-arphic-uming).
    print_font: Path = Path(DEFAULT_PRINT_FONT)
    #: Which font of a .ttc collection to use.
    print_font_index: int = 0
    #: A staff token stops working this many days after it was issued (API.md 1.1).
    staff_token_days: int = DEFAULT_STAFF_TOKEN_DAYS
    # issue 15b: the family's account (password reset, closing).
    #: How long a forgot-password link stays usable (API 1.1: 30 minutes).
    password_reset_minutes: int = 30
    # issue 12: security hardening. Requests per client address and per email in a window
    # (login failures per email are `login_max_failures` above).
    rate_window_minutes: int = DEFAULT_RATE_WINDOW_MINUTES
    login_per_address: int = 60
    register_per_address: int = 10
    resend_per_address: int = 20
    resend_per_email: int = 3
    #: A JSON (or any non-multipart) request body over this is refused with 413 while it streams.
    max_json_bytes: int = DEFAULT_MAX_JSON_BYTES
    #: A request body that sends nothing for this long, or is still arriving after the
    #: deadline, is cut with 408 (its upload's temp file removed): slow clients hold no socket.
    request_read_timeout_s: float = 30.0
    request_body_deadline_s: float = 900.0
    #: "production" turns unsafe defaults into refusals (TLS to the SMTP server required…).
    env: Literal["development", "production"] = "development"
    #: A private CA (PEM) that vouches for the SMTP server's certificate, besides the system's.
    smtp_ca_file: Path | None = None
    #: Keys that encrypt stored files, `id:base64key,…` (32-byte keys; the first encrypts, all
    #: decrypt). Empty: embedded mode makes one in DATA_DIR/encryption.key; production refuses.
    encryption_keys: str = ""
    #: The OpenAPI document and its docs pages; off in production unless set to true.
    api_docs: bool | None = None

    @model_validator(mode="after")
    def _fill_database_url(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'familybook.sqlite3').resolve()}"
        return self

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def docs_enabled(self) -> bool:
        return self.api_docs if self.api_docs is not None else not self.production

    def production_problems(self) -> list[str]:
        """issue 12: what production must not run with, each a line an operator can act on."""
        if not self.production:
            return []
        problems = []
        public = urlsplit(self.public_url)
        if public.scheme != "https" or public.hostname in LOCAL_HOSTS:
            problems.append("FAMILYBOOK_PUBLIC_URL must be an https address others can reach")
        db = make_url(self.database_url)
        if db.get_backend_name() == "sqlite":
            problems.append("FAMILYBOOK_DATABASE_URL must be PostgreSQL in production")
        elif db.password in SAMPLE_PASSWORDS:
            problems.append("FAMILYBOOK_DATABASE_URL uses the sample password: set a real one")
        if not self.encryption_keys:
            problems.append("FAMILYBOOK_ENCRYPTION_KEYS is not set: documents would be unreadable")
        if urlsplit(self.smtp_url).hostname in ("mailpit", *LOCAL_HOSTS) or not self.smtp_url:
            problems.append("FAMILYBOOK_SMTP_URL must be a real mail server, not mailpit or none")
        return problems

    def metrics_bearer(self) -> str:
        """The metrics token in force ("" for none); a missing token file is a setup error."""
        if self.metrics_token_file is None:
            return self.metrics_token.strip()
        try:
            return self.metrics_token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"FAMILYBOOK_METRICS_TOKEN_FILE {self.metrics_token_file}: {exc.strerror}"
            ) from None

    @property
    def embedded(self) -> bool:
        return not self.redis_url

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def key_file(self) -> Path:
        return self.data_dir / "encryption.key"

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"


@lru_cache
def get_settings() -> Settings:
    return Settings()
