"""The mail outbox against a real SMTP sink (aiosmtpd): delivered once, retried with
back-off while the server is down, nothing lost, no header injection."""

import socket
from datetime import timedelta
from email import message_from_bytes

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.mail import services
from wbagentur.mail.models import OutboxMessage


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SinkServer:
    """An aiosmtpd server on a fixed port that can be stopped and started again."""

    def __init__(self, handler, port):
        self.handler = handler
        self.port = port
        self._controller = None

    def start(self):
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp(clean_app, monkeypatch):
    sink = Sink()
    server = SinkServer(sink, free_port())
    monkeypatch.setitem(clean_app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(clean_app.config, "MAIL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(clean_app.config, "MAIL_SMTP_PORT", server.port)
    monkeypatch.setitem(clean_app.config, "MAIL_SMTP_TIMEOUT", 5)
    server.start()
    sink.controller = server
    yield sink
    server.stop()


def queue(app, n=1, **kw):
    with app.app_context():
        ids = [
            services.queue_mail(
                kw.get("recipient", f"person{i}@example.org"),
                kw.get("subject", f"Betreff {i}"),
                kw.get("body", f"Hallo {i}\nZweite Zeile"),
                "test",
            ).id
            for i in range(n)
        ]
        db.session.commit()
        return ids


def rows(app):
    with app.app_context():
        return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_send_pending_delivers_each_message_once(clean_app, smtp):
    queue(clean_app, 3)
    with clean_app.app_context():
        report = services.send_pending()
    assert (report.sent, report.failed) == (3, 0)
    assert len(smtp.messages) == 3
    recipients, message = smtp.messages[0]
    assert recipients == ["person0@example.org"]
    assert message["Subject"] == "Betreff 0"
    assert message["From"] == clean_app.config["MAIL_SENDER"]
    assert message["To"] == "person0@example.org"
    assert message["Date"]
    assert message["Message-ID"]
    assert "Zweite Zeile" in message.get_payload(decode=True).decode()
    assert all(r.sent_at is not None and r.attempts == 0 for r in rows(clean_app))
    with clean_app.app_context():
        again = services.send_pending()
    assert (again.sent, again.failed) == (0, 0)
    assert len(smtp.messages) == 3


def test_send_pending_with_server_down_keeps_messages_and_backs_off(clean_app, smtp):
    [message_id] = queue(clean_app, 1)
    smtp.controller.stop()
    start = utcnow()
    with clean_app.app_context():
        report = services.send_pending(now=start)
    assert (report.sent, report.failed) == (0, 1)
    [row] = rows(clean_app)
    assert row.sent_at is None
    assert row.attempts == 1
    assert row.last_error == "ConnectionRefusedError"
    assert row.next_attempt_at == start + timedelta(minutes=1)
    # Not due yet: nothing is tried.
    with clean_app.app_context():
        report = services.send_pending(now=start + timedelta(seconds=30))
    assert (report.sent, report.failed) == (0, 0)
    with clean_app.app_context():
        services.send_pending(now=start + timedelta(minutes=1))
    [row] = rows(clean_app)
    assert row.attempts == 2
    assert row.next_attempt_at == start + timedelta(minutes=1 + 2)
    smtp.controller.start()
    with clean_app.app_context():
        report = services.send_pending(now=start + timedelta(minutes=3))
    assert report.sent == 1
    [row] = rows(clean_app)
    assert row.sent_at is not None
    assert row.id == message_id
    assert len(smtp.messages) == 1


def test_backoff_doubles_and_caps_at_six_hours():
    assert [services.backoff(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8)
    ]
    assert services.backoff(10) == timedelta(hours=6)
    assert services.backoff(500) == timedelta(hours=6)


def test_one_refused_recipient_does_not_block_the_others(clean_app, smtp):
    class Picky(Sink):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.startswith("bad"):
                return "550 no such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    picky = Picky()
    smtp.controller.stop()
    smtp.controller.handler = picky
    smtp.controller.start()

    with clean_app.app_context():
        services.queue_mail("good1@example.org", "A", "x", "test")
        services.queue_mail("bad@example.org", "B", "x", "test")
        services.queue_mail("good2@example.org", "C", "x", "test")
        db.session.commit()
        report = services.send_pending()
    assert (report.sent, report.failed) == (2, 1)
    bad = [r for r in rows(clean_app) if r.recipient.startswith("bad")][0]
    assert bad.sent_at is None
    assert bad.last_error == "SMTPRecipientsRefused"
    assert "bad@" not in bad.last_error
    assert len(picky.messages) == 2


def test_header_injection_in_subject_and_recipient_is_stripped(clean_app, smtp):
    queue(
        clean_app,
        1,
        recipient="opfer@example.org\r\nBcc: spam@example.net",
        subject="Ihre Anfrage\r\nBcc: spam@example.net\nX-Evil: 1",
    )
    [row] = rows(clean_app)
    assert "\r" not in row.subject
    assert "\n" not in row.subject
    assert "\n" not in row.recipient
    with clean_app.app_context():
        services.send_pending()
    [(recipients, message)] = smtp.messages
    assert message.get_all("Bcc") is None
    assert message.get_all("X-Evil") is None
    assert "spam@example.net" not in recipients
    assert message["Subject"].startswith("Ihre Anfrage Bcc: spam@example.net")


def test_console_backend_prints_message(clean_app, capsys, monkeypatch):
    monkeypatch.setitem(clean_app.config, "MAIL_BACKEND", "console")
    queue(clean_app, 1, subject="Konsolentest")
    with clean_app.app_context():
        report = services.send_pending()
    assert report.sent == 1
    assert "Subject: Konsolentest" in capsys.readouterr().out


def test_cli_send_and_list_print_counts(clean_app, runner, smtp):
    queue(clean_app, 2)
    result = runner.invoke(args=["mail", "list"])
    assert result.exit_code == 0
    assert "nicht gesendet: 2" in result.output
    result = runner.invoke(args=["mail", "send", "--limit", "1"])
    assert result.exit_code == 0
    assert "gesendet: 1" in result.output
    result = runner.invoke(args=["mail", "send"])
    assert "gesendet: 1, fehlgeschlagen: 0" in result.output
    assert "nicht gesendet: 0" in runner.invoke(args=["mail", "list"]).output
    assert len(smtp.messages) == 2


def test_public_form_submit_with_smtp_down_is_saved_and_sent_later(
    client, clean_app, smtp, form_data
):
    smtp.controller.stop()
    response = client.post("/beratung-anfragen", data=form_data())
    assert response.status_code == 303
    with clean_app.app_context():
        assert services.send_pending().failed == 1
    smtp.controller.start()
    with clean_app.app_context():
        assert services.send_pending(now=utcnow() + timedelta(minutes=2)).sent == 1
    [(recipients, message)] = smtp.messages
    assert recipients == ["erika.mueller@mueller-praezision.example"]
    assert "/anfrage/" in message.get_payload(decode=True).decode()


def test_cli_send_exits_1_when_every_delivery_failed(clean_app, runner, smtp):
    """Cron and monitoring must see a relay that refuses everything (issue #19 item 9)."""
    queue(clean_app, 2)
    smtp.controller.stop()
    result = runner.invoke(args=["mail", "send"])
    assert "gesendet: 0, fehlgeschlagen: 2" in result.output
    assert result.exit_code == 1
    assert "Keine Nachricht konnte zugestellt werden." in result.output
    # Nothing due (back-off): no failure, exit 0.
    assert runner.invoke(args=["mail", "send"]).exit_code == 0
