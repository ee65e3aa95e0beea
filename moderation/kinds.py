"""The two kinds of submission a family sends and a reviewer decides."""

from enum import StrEnum


class SubmissionKind(StrEnum):
    #: A service application (服務項目申請): a family asks for the contact book of one inmate.
    APPLICATION = "application"
    #: A contact-book post (家庭聯絡簿): a family writes to the inmate of an approved service.
    POST = "post"
