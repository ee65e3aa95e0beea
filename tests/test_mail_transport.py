"""How an email leaves (issue 12, findings 5 and 11), against real aiosmtpd servers: STARTTLS
whenever offered, certificates verified (a private CA by setting), TLS required in production,
and never more than one recipient."""

import smtplib
import ssl
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from core.settings import Settings
from tests.support import flow
from tests.support.mail import MailSink
from tests.support.tls import self_signed
from workers.mail_transport import deliver


def _message(to: str = "family@example.org") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "no-reply@familybook.example"
    msg["To"] = to
    msg["Subject"] = "驗證"
    msg["Message-ID"] = "<tls-test@familybook.example>"
    msg.set_content("請點選連結。")
    return msg


@pytest.fixture
def tls_sink(tmp_path) -> Iterator[tuple[MailSink, str]]:
    """An SMTP server offering STARTTLS with a certificate only our own CA file vouches for."""
    cert_file, context = self_signed(tmp_path)
    sink = MailSink(tls=context)
    yield sink, str(cert_file)
    sink.stop()


def test_starttls_is_used_when_offered_with_the_private_ca_trusted(tls_sink):
    sink, ca_file = tls_sink
    settings = Settings(smtp_url=f"smtp://127.0.0.1:{sink.port}", smtp_ca_file=ca_file)
    deliver(settings, _message())
    assert len(sink.to("family@example.org")) == 1
    assert sink.over_tls == [True]


def test_a_certificate_no_trusted_ca_vouches_for_is_refused(tls_sink):
    sink, _ = tls_sink
    settings = Settings(smtp_url=f"smtp://127.0.0.1:{sink.port}", smtp_ca_file=None)
    with pytest.raises(ssl.SSLCertVerificationError):
        deliver(settings, _message())
    assert sink.messages == []


def test_production_refuses_a_server_without_starttls():
    plain = MailSink()
    try:
        settings = Settings(smtp_url=f"smtp://127.0.0.1:{plain.port}", env="production")
        with pytest.raises(smtplib.SMTPNotSupportedError):
            deliver(settings, _message())
        assert plain.messages == []
    finally:
        plain.stop()


def test_a_to_header_naming_two_addresses_is_never_sent():
    plain = MailSink()
    try:
        settings = Settings(smtp_url=f"smtp://127.0.0.1:{plain.port}")
        with pytest.raises(ValueError):
            deliver(settings, _message("victim@example.org,attacker@example.net"))
        assert plain.messages == []
    finally:
        plain.stop()


def test_registering_two_addresses_in_one_is_refused(client):
    body = flow.registration("victim@example.org,attacker")
    r = client.post("/api/v1/accounts", json=body)
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) == {"email"}


@pytest.mark.parametrize("trusted", [True, False], ids=["private-ca", "untrusted"])
def test_smtps_verifies_the_servers_certificate(tmp_path, trusted):
    cert_file, context = self_signed(tmp_path)
    sink = MailSink(tls=context, implicit=True)
    try:
        settings = Settings(
            smtp_url=f"smtps://127.0.0.1:{sink.port}", smtp_ca_file=cert_file if trusted else None
        )
        if trusted:
            deliver(settings, _message())
            assert len(sink.to("family@example.org")) == 1
        else:
            with pytest.raises(ssl.SSLCertVerificationError):
                deliver(settings, _message())
            assert sink.messages == []
    finally:
        sink.stop()
