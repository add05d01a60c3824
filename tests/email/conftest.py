"""A real SMTP server on loopback (aiosmtpd), started and stopped by the tests.

``smtp_server`` is a server that accepts everything and keeps what it received;
``start_smtp(handler=..., **smtp_kwargs)`` starts another one (e.g. with an authenticator, or
a handler that refuses recipients or drops the connection). Each listens on 127.0.0.1 on a
free port. No test here touches the network beyond loopback.

(No ``__init__.py`` in this folder on purpose: a package named ``email`` would shadow the
standard library's. Tests get the helpers as fixtures: the suite runs with
``--import-mode=importlib``, where ``conftest`` is not importable.)
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]


@dataclass
class RecordingHandler:
    """Accepts every message and keeps it; ``rcpt_replies`` refuses chosen recipients.

    ``rcpt_replies[address]`` is a list of replies used one per RCPT for that address
    (``"550 5.1.1 No such user"``; ``None`` means accept), so a test can refuse once and
    accept on the next run.
    """

    received: list[Received] = field(default_factory=list)
    rcpt_replies: dict[str, list[str | None]] = field(default_factory=dict)
    drop_on_data: bool = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        replies = self.rcpt_replies.get(address)
        reply = replies.pop(0) if replies else None
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.drop_on_data:
            server.transport.close()
            return "421 closing"
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        return "250 2.0.0 Message accepted"


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler

    @property
    def received(self) -> list[Received]:
        return self.handler.received


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def start_smtp() -> Iterator[Callable[..., SmtpServer]]:
    controllers: list[Controller] = []

    def start(handler: RecordingHandler | None = None, **smtp_kwargs: Any) -> SmtpServer:
        handler = handler or RecordingHandler()
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **smtp_kwargs)
        controller.start()
        controllers.append(controller)
        return SmtpServer("127.0.0.1", port, handler)

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_server(start_smtp) -> SmtpServer:
    return start_smtp()


@pytest.fixture
def make_handler() -> type[RecordingHandler]:
    """``make_handler(rcpt_replies={...}, drop_on_data=True)`` for ``start_smtp``."""
    return RecordingHandler


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on (connection refused)."""
    return free_port()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never says a word (an SMTP timeout)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])
