"""A small SMTP server on loopback for the fault tests: it keeps what it receives, and can drop
the connection after a number of messages, as a mail server that crashes half-way through."""

import socketserver
import threading
from email import message_from_bytes
from email.message import Message
from typing import Any


class _Session(socketserver.StreamRequestHandler):
    server: "_Server"

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink ready")
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb in {"EHLO", "HELO"}:
                self.reply("250 sink")
            elif verb == "MAIL":
                if self.server.sink.accepted_before_crash == 0:
                    return  # the server dies: the connection closes without a word
                self.reply("250 ok")
            elif verb in {"RCPT", "RSET", "NOOP"}:
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go ahead")
                self.server.sink.receive(self._data())
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")

    def _data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    sink: "SmtpSink"


class SmtpSink:
    """`with SmtpSink(port) as sink:` serves on 127.0.0.1:port; `sink.received` holds the messages."""

    def __init__(self, port: int, *, crash_after: int | None = None) -> None:
        self.port = port
        self.received: list[Message] = []
        self.accepted_before_crash = -1 if crash_after is None else crash_after
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", port), _Session)
        self._server.sink = self

    def receive(self, data: bytes) -> None:
        with self._lock:
            self.received.append(message_from_bytes(data))
            if self.accepted_before_crash > 0:
                self.accepted_before_crash -= 1

    def __enter__(self) -> "SmtpSink":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *args: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
