"""SMTP delivery with the standard library, and what a failure means for the message.

A failure is either permanent (the server answered 5xx: sending it again would get the
same answer) or temporary (4xx, no connection, a timeout), and it may or may not have
cost the connection; the sender decides from that what to do with this message and the
rest of its batch.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from lms import clock
from lms.mail.models import OutboxMessage


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # none, starttls or ssl
    user: str
    password: str
    sender: str
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings | None:
        """The settings from LMS_SMTP_* and LMS_MAIL_FROM; None when no SMTP host is set."""
        if not config["SMTP_HOST"]:
            return None
        return cls(
            host=config["SMTP_HOST"],
            port=config["SMTP_PORT"],
            security=config["SMTP_SECURITY"],
            user=config["SMTP_USER"],
            password=config["SMTP_PASSWORD"],
            sender=config["MAIL_FROM"],
            timeout=float(config["SMTP_TIMEOUT_SECONDS"]),
        )


class SmtpFailure(Exception):
    """A message was not accepted; `str()` is the server's answer or what went wrong."""

    def __init__(self, reason: str, *, permanent: bool = False, connection_lost: bool = False):
        super().__init__(reason)
        self.permanent = permanent
        self.connection_lost = connection_lost


class SmtpConnection:
    """One open SMTP session, reused for a batch of messages."""

    def __init__(self, client: smtplib.SMTP, sender: str) -> None:
        self._client = client
        self._sender = sender

    def send(self, message: OutboxMessage) -> None:
        """Hand one message to the server; raises SmtpFailure if it is not accepted."""
        try:
            self._client.send_message(email_for(message, self._sender))
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise _answer(code, text) from None
        except smtplib.SMTPResponseException as error:
            raise _answer(error.smtp_code, error.smtp_error) from None
        except (smtplib.SMTPNotSupportedError, UnicodeError, ValueError) as error:
            # For example an address this server cannot take: trying again will not help.
            raise SmtpFailure(f"the message cannot be sent: {error}", permanent=True) from None
        except (smtplib.SMTPException, OSError) as error:
            raise SmtpFailure(f"the connection failed: {error}", connection_lost=True) from None

    def close(self) -> None:
        try:
            self._client.quit()
        except (smtplib.SMTPException, OSError):
            self._client.close()


def connect(settings: SmtpSettings) -> SmtpConnection:
    """Open a session (TLS and sign-in as set); raises SmtpFailure if that cannot be done."""
    where = f"{settings.host}:{settings.port}"
    client: smtplib.SMTP | None = None
    try:
        if settings.security == "ssl":
            client = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.user:
            client.login(settings.user, settings.password)
    except (smtplib.SMTPException, OSError) as error:
        if client is not None:
            client.close()
        raise _connect_failure(where, error) from None
    return SmtpConnection(client, settings.sender)


def _connect_failure(where: str, error: smtplib.SMTPException | OSError) -> SmtpFailure:
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return SmtpFailure(
            f"{where} refused the user name and password in LMS_SMTP_USER and "
            f"LMS_SMTP_PASSWORD ({_text(error.smtp_code, error.smtp_error)})",
            connection_lost=True,
        )
    return SmtpFailure(f"could not connect to {where}: {error}", connection_lost=True)


def email_for(message: OutboxMessage, sender: str) -> EmailMessage:
    """The message as an email with a plain-text part and an HTML alternative."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(clock.now().timestamp())
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    return email


def _answer(code: int, text: bytes | str) -> SmtpFailure:
    # 421: the server is closing the connection; the rest of the batch must wait.
    return SmtpFailure(_text(code, text), permanent=code >= 500, connection_lost=code == 421)


def _text(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {words}".strip()
