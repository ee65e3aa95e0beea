# ruff: noqa: E501 - the notice is stored as published: one line a paragraph
"""the family's account: password resets, closing, erased files, the personal-data notice

Revision ID: 0009_account_lifecycle
Revises: 0008_seed_rules, 0010_security
Create Date: 2026-12-01 17:30:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0009_account_lifecycle"
#: Also the merge point of the two branches that left 0005 (issue 15a's seed rules, issue 12's
#: security): one head again.
down_revision: str | None = "0010_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The notice every account so far agreed to (accounts.consent_version = "2024-01"). Frozen
#: here: a changed text is a new version in a new migration, never an edit of this one.
NOTICE_VERSION = "2024-01"
NOTICE_TEXT = """法務部矯正署「家庭聯絡簿」個人資料蒐集告知聲明

感謝您使用家庭聯絡簿（以下稱「本服務」）。本署重視您的隱私與個人資料保護，並尊重您的個人資料控制權。以下依個人資料保護法第8條說明本署如何蒐集、處理、利用您的個人資料，以及您有哪些權利可以行使。如您不是註冊者本人但使用本服務，以下內容也對您適用；註冊者有義務讓實際使用之人詳閱以下內容。

1. 誰在蒐集您的個人資料？
法務部矯正署及您申請服務之矯正機關（以下稱「我們」）。

2. 我們為什麼蒐集您的個人資料（蒐集目的）
- 會員管理
- 確認註冊者或服務申請者身分
- 確認註冊者或服務申請者與矯正機關收容人之關係
- 進行家庭聯絡簿服務申請及每則聯絡簿內容之審核
- 將審核通過之聯絡簿交付收容人，並以電子郵件通知審核結果

3. 我們蒐集您的哪些個人資料
- 識別類：姓名、國民身分證統一編號、出生日期、電子信箱、手機及市話號碼
- 身分證明文件（如國民身分證影像）、關係證明文件（如戶籍謄本）、申請人正面照片（機關要求時）
- 您發佈的家庭聯絡簿標題、內文及附件
- 系統自動檢查及文字辨識（OCR）由上述文件讀出之資料，僅供審核人員比對
- 審核結果、退件原因、違規及停權紀錄、您的申訴內容

4. 個人資料利用之期間、地區、對象及方式
- 期間：於您使用本服務期間保存。您關閉帳號時，我們立即刪除您上傳之文件及檔案，並將姓名、身分證統一編號、出生日期、電子信箱及電話改為已刪除；審核決定、違規紀錄及稽核紀錄僅以編號保存，作為機關依法執行業務之紀錄。
- 地區：中華民國境內。
- 對象：我們及您申請服務之矯正機關承辦人員；聯絡簿內容交付您申請之收容人。
- 方式：以電子或紙本方式處理及利用，不作其他目的使用。但依法律規定、為維護國家安全或增進公共利益、為免除當事人之生命、身體、自由或財產上之危險，或經您同意者，不在此限。

5. 您有哪些權利可以行使
- 您有權請求查詢、閱覽我們保有您的個人資料，或請求我們提供複製本：登入後可隨時下載您的全部資料（含您上傳之檔案）。
- 您有權請求補充或更正您的個人資料：手機與市話可自行修改，其他欄位請洽機關。
- 當不再使用本服務時，或您認為我們不再需要您的個人資料時，您有權請求刪除、停止處理或利用您的個人資料：登入後可自行關閉帳號。但我們因執行業務所必須（例如法令已規定保存期限）時，仍得保存前述僅以編號記錄之審核資料。
- 如您認為我們違法蒐集、處理或利用您的個人資料，您有權請求我們刪除、停止處理或利用；我們會檢視是否有違法情形，並回覆您結果。

6. 您若不提供個人資料的影響
註冊時所列的個人資料多數為必填欄位，如未正確、完整填寫，可能無法完成註冊，或將無法申請本服務。

本人已詳閱依個人資料保護法所告知事項，並清楚瞭解其蒐集、處理或利用個人資料之目的及用途。
"""
NOTICE_TEXT_EN = """Agency of Corrections, Ministry of Justice — Familybook personal-data notice

This notice explains, as Article 8 of the Personal Data Protection Act requires, how we collect,
process and use your personal data in Familybook (家庭聯絡簿) and which rights you have. It also
applies to anyone who uses the service through your account.

1. Who collects it: the Agency of Corrections and the institution you apply to ("we").
2. Why: managing accounts; confirming who you are and your relationship to the inmate;
   reviewing your service application and each post; delivering approved posts to the inmate
   and emailing you the results.
3. What: your name, national ID number, date of birth, email, mobile and phone; your identity
   and relationship documents (and a photo of you if the institution asks for one); your posts
   and their attachments; what the automated checks and OCR read from your documents (an aid
   for the reviewers); decisions, rejection reasons, strikes, suspensions and your appeals.
4. How long, where, by whom: while you use the service. When you close your account we erase
   your documents and files at once and replace your name, national ID, date of birth, email
   and phones; decisions, strikes and audit entries are kept with ids only, as the
   institution's record of its work. Within Taiwan, by us and the institution's staff;
   approved posts go to the inmate you applied for.
5. Your rights: to ask what we hold, to see it and to get a copy (download everything,
   files included, after logging in); to have it completed or corrected (mobile and phone
   yourself, other fields through the institution); to have it erased or its use stopped
   (close your account yourself), except the records kept with ids only as described above;
   and to ask us to stop any unlawful use.
6. If you do not give it: most registration fields are required; without them you cannot
   register or apply.
"""


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "password_reset_tokens",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("password_reset_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_password_reset_tokens_account_id"), ["account_id"], unique=False
        )
    notices = op.create_table(
        "notices",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "version"),
    )
    op.bulk_insert(
        notices,
        [
            {
                "kind": "personal-data",
                "version": NOTICE_VERSION,
                "text": NOTICE_TEXT,
                "text_en": NOTICE_TEXT_EN,
                "published_at": datetime(2024, 1, 1, tzinfo=UTC),
            }
        ],
    )


def downgrade() -> None:
    op.drop_table("notices")
    with op.batch_alter_table("password_reset_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_reset_tokens_account_id"))
    op.drop_table("password_reset_tokens")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
