"""The one settings object. Every knob is an environment variable with the FAMILYBOOK_ prefix."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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
DEFAULT_DB_MAX_OVERFLOW = 10
#: Database URLs we run on (SQLAlchemy dialects); anything else stops at start.
DATABASE_SCHEMES = ("sqlite://", "postgresql://", "postgresql+psycopg://")
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
#: Debian's fonts-arphic-uming: TrueType outlines, which PDF libraries embed (the Noto CJK
#: collections are CFF, which reportlab cannot embed).
DEFAULT_PRINT_FONT = "/usr/share/fonts/truetype/arphic/uming.ttc"
#: Staff tokens are rotated at least this often (API.md 1.1: FAMILYBOOK_STAFF_TOKEN_DAYS).
DEFAULT_STAFF_TOKEN_DAYS = 90


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
    #: Version of the personal-data notice the family consents to at registration.
    consent_notice_version: str = "2024-01"

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

    argon2_time_cost: int = Field(DEFAULT_ARGON2_TIME_COST, ge=1)
    argon2_memory_kib: int = Field(DEFAULT_ARGON2_MEMORY_KIB, ge=8)
    argon2_parallelism: int = Field(DEFAULT_ARGON2_PARALLELISM, ge=1)
    db_pool_size: int = Field(DEFAULT_DB_POOL_SIZE, ge=1)
    db_max_overflow: int = Field(DEFAULT_DB_MAX_OVERFLOW, ge=0)

    # --- issue 13 (operations) ---
    #: "text" (human-readable) or "json": one JSON object a line for a log collector.
    log_format: Literal["text", "json"] = "text"

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

    @model_validator(mode="after")
    def _fill_database_url(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'familybook.sqlite3').resolve()}"
        return self

    @property
    def embedded(self) -> bool:
        return not self.redis_url

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"


@lru_cache
def get_settings() -> Settings:
    return Settings()
