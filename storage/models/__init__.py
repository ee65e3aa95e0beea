"""The database tables. The database is the record; broker messages are only wake-ups.

One module per part of the story (`people`, `submissions`, `review`, `records`); every table
is importable from here, as `storage.models.Account`.
"""

from storage.models.base import Base, UTCDateTime, new_id, new_ids, utcnow
from storage.models.flag_index import AttemptFlag
from storage.models.operations import WorkerHeartbeat
from storage.models.people import (
    Account,
    AuthToken,
    EmailToken,
    Inmate,
    Institution,
    LoginDevice,
    LoginFailure,
    PasswordResetToken,
    RateCounter,
    Staff,
    StaffInstitution,
)
from storage.models.records import AuditEntry, Notice, OutboxEmail
from storage.models.review import (
    Decision,
    InstitutionPost,
    InstitutionPostFile,
    ReviewNote,
    Strike,
    Suspension,
)
from storage.models.submissions import (
    Application,
    Attempt,
    CheckResult,
    FileDuplicate,
    PhashBand,
    Post,
    PrefillField,
    StoredFile,
    Submission,
)

__all__ = [
    "Account",
    "Application",
    "Attempt",
    "AttemptFlag",
    "AuditEntry",
    "AuthToken",
    "Base",
    "CheckResult",
    "Decision",
    "EmailToken",
    "FileDuplicate",
    "Inmate",
    "Institution",
    "InstitutionPost",
    "InstitutionPostFile",
    "LoginDevice",
    "LoginFailure",
    "Notice",
    "OutboxEmail",
    "PasswordResetToken",
    "PhashBand",
    "Post",
    "PrefillField",
    "RateCounter",
    "ReviewNote",
    "Staff",
    "StaffInstitution",
    "StoredFile",
    "Strike",
    "Submission",
    "Suspension",
    "UTCDateTime",
    "WorkerHeartbeat",
    "new_id",
    "new_ids",
    "utcnow",
]
