"""A real SMTP server for tests, in a thread: it speaks just enough SMTP for
Django's SMTP backend (EHLO or HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT),
keeps every message it accepted, and can be made slow, taking `delay`
seconds over each message before accepting it."""

import socketserver
import threading
import time
from contextlib import contextmanager
from email import message_from_bytes


class _Session(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 sink ESMTP")
        for line in self.rfile:
            verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            if verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                self.server.sink.receive(self.read_message())
                self.reply("250 Accepted")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            elif verb in {"EHLO", "HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                self.reply("250 OK")
            else:
                self.reply("502 Not implemented")

    def read_message(self):
        lines = []
        for line in self.rfile:
            if line == b".\r\n":
                break
            # A leading dot is doubled on the wire (RFC 5321, 4.5.2).
            lines.append(line[1:] if line.startswith(b"..") else line)
        return message_from_bytes(b"".join(lines))


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Sink:
    def __init__(self, delay):
        self.delay = delay
        self.messages = []
        self._received = threading.Condition()

    def receive(self, message):
        time.sleep(self.delay)
        with self._received:
            self.messages.append(message)
            self._received.notify_all()

    def wait_for(self, count, timeout=60):
        """Until `count` messages have arrived (or `timeout` seconds, so a
        broken sender fails the test instead of hanging it)."""
        with self._received:
            return self._received.wait_for(lambda: len(self.messages) >= count, timeout)


@contextmanager
def smtp_sink(*, delay=0.0):
    """A Sink listening on 127.0.0.1 while the block runs; its port is `sink.port`."""
    sink = Sink(delay)
    with _Server(("127.0.0.1", 0), _Session) as server:
        server.sink = sink
        sink.port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield sink
        finally:
            server.shutdown()
            thread.join()
