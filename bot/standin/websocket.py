"""Minimal server side of RFC 6455 (WebSocket) for the stand-in's Socket Mode endpoint.

Enough for slack_sdk's built-in Socket Mode client and the ``websockets`` package: the handshake,
text/ping/pong/close frames, masked client frames, fragmented messages. No extensions.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import socket
import struct
import threading
from io import BufferedIOBase

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def accept_key(sec_websocket_key: str) -> str:
    """The ``Sec-WebSocket-Accept`` value for a client's ``Sec-WebSocket-Key``."""
    digest = hashlib.sha1((sec_websocket_key.strip() + GUID).encode()).digest()
    return base64.b64encode(digest).decode()


def encode_frame(opcode: int, payload: bytes) -> bytes:
    """One unmasked, final frame (servers never mask)."""
    head = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([n])
    elif n < 1 << 16:
        head += bytes([126]) + struct.pack("!H", n)
    else:
        head += bytes([127]) + struct.pack("!Q", n)
    return head + payload


def _read_exact(stream: BufferedIOBase, n: int) -> bytes | None:
    data = stream.read(n) if n else b""
    return data if data is not None and len(data) == n else None


def read_frame(stream: BufferedIOBase) -> tuple[bool, int, bytes] | None:
    """Read one frame: ``(fin, opcode, unmasked payload)``, or ``None`` at end of stream."""
    head = _read_exact(stream, 2)
    if head is None:
        return None
    fin, opcode = bool(head[0] & 0x80), head[0] & 0x0F
    masked, n = bool(head[1] & 0x80), head[1] & 0x7F
    if n in (126, 127):
        ext = _read_exact(stream, 2 if n == 126 else 8)
        if ext is None:
            return None
        n = struct.unpack("!H" if len(ext) == 2 else "!Q", ext)[0]
    mask = _read_exact(stream, 4) if masked else b""
    payload = _read_exact(stream, n)
    if mask is None or payload is None:
        return None
    if masked:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return fin, opcode, payload


class WebSocketConnection:
    """A server-side connection after the handshake; ``send_*`` are thread-safe."""

    def __init__(self, sock: socket.socket, rfile: BufferedIOBase, path: str) -> None:
        self.sock, self.rfile, self.path = sock, rfile, path
        self.closed = False
        self._send_lock = threading.Lock()

    def _send(self, opcode: int, payload: bytes) -> None:
        with self._send_lock:
            if self.closed and opcode != OP_CLOSE:
                raise ConnectionError("WebSocket connection is closed")
            self.sock.sendall(encode_frame(opcode, payload))

    def send_text(self, text: str) -> None:
        self._send(OP_TEXT, text.encode("utf-8"))

    def receive(self) -> str | None:
        """Read until the next complete text message; answer pings; ``None`` when closed."""
        parts: list[bytes] = []
        while True:
            frame = read_frame(self.rfile)
            if frame is None:
                self.closed = True
                return None
            fin, opcode, payload = frame
            if opcode == OP_PING:
                self._send(OP_PONG, payload)
            elif opcode == OP_CLOSE:
                self.close(payload[:2] or struct.pack("!H", 1000))
                return None
            elif opcode in (OP_TEXT, OP_BINARY, OP_CONT):
                parts.append(payload)
                if fin:
                    return b"".join(parts).decode("utf-8", "replace")

    def close(self, code_and_reason: bytes = struct.pack("!H", 1000)) -> None:
        """Send a close frame (once) and shut the socket down so the reader thread ends."""
        with self._send_lock:
            if self.closed:
                return
            self.closed = True
            with contextlib.suppress(OSError):
                self.sock.sendall(encode_frame(OP_CLOSE, code_and_reason))
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
