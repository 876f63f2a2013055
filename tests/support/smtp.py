"""An SMTP sink in a thread of this process (a mail server the tests and benchmarks can stop and
start again) and the environment that has a server or worker send its e-mail to it."""

from __future__ import annotations

import email
import email.message
import email.policy
import socketserver
import threading
import time
from typing import NamedTuple

from tests.support.processes import free_port


class Received(NamedTuple):
    """One message the sink accepted."""

    arrived: float  # time.time() when the DATA ended
    recipients: list[str]  # as given in RCPT TO
    raw: bytes  # the message, dot-unstuffed; b"" when the sink does not keep messages


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's smtp backend: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        recipients: list[str] = []
        keep = self.server.sink.keep_messages
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink")
                self.reply("250 8BITMIME")
            elif verb in ("HELO", "NOOP", "MAIL"):
                self.reply("250 OK")
            elif verb == "RSET":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) and data != b".\r\n":
                    if keep:
                        lines.append(data[1:] if data.startswith(b"..") else data)
                self.server.sink.record(recipients, b"".join(lines))
                recipients = []
                self.reply("250 OK: queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _SMTPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True  # a sink stopped and started again gets its port back
    daemon_threads = True
    request_queue_size = 128


class SMTPSink:
    """A mail server in a thread of this process, on 127.0.0.1:`port` (a free port when none is
    given), that records every message it accepts. It can be stopped and started again on the
    same port (a mail server that goes down and comes back); what it received is kept across.
    With keep_messages=False it keeps only the arrival times and recipients (long benchmarks)."""

    def __init__(self, port: int | None = None, *, keep_messages: bool = True):
        self.port = port or free_port()
        self.keep_messages = keep_messages
        self._received: list[Received] = []
        self._lock = threading.Lock()
        self._server: _SMTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._server = _SMTPServer(("127.0.0.1", self.port), _SMTPHandler)
        self._server.sink = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def record(self, recipients: list[str], raw: bytes) -> None:
        with self._lock:
            self._received.append(Received(time.time(), recipients, raw))

    def received(self) -> list[Received]:
        """What arrived so far, in arrival order."""
        with self._lock:
            return list(self._received)

    def count(self, to: str | None = None) -> int:
        """How many messages arrived (addressed to `to`, when given)."""
        with self._lock:
            return sum(to is None or to in r.recipients for r in self._received)

    def arrivals(self) -> list[tuple[float, str]]:
        """(arrival time, recipient) for each recipient of each message, in arrival order."""
        return [(r.arrived, to) for r in self.received() for to in r.recipients]

    def messages(self) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(r.raw, policy=email.policy.default) for r in self.received()
        ]


def smtp_env(port: int) -> dict[str, str]:
    """The environment that has a server or worker send its e-mail by SMTP to 127.0.0.1:`port`,
    in plain text and without login."""
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_USE_SSL": "false",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
    }
