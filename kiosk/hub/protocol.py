"""The hub's HTTP connections: uvicorn's httptools protocol with the limits an office
network needs.

- **Idle HTTPS connections are cut, not politely shut.** uvicorn closes a keep-alive
  connection after ``timeout_keep_alive`` seconds without a request. Over TLS, asyncio's
  ``transport.close()`` sends the TLS close_notify, then keeps the TCP connection open
  (up to 30 s) waiting for the client's own close_notify. Qt's HTTP stack reads a
  close_notify on an idle keep-alive connection as "not an error" and waits for the TCP
  connection to end before dropping it, so the next request goes down a dead TLS session:
  a POST fails at once ("Connection closed"), a GET hangs until its transfer timeout.
  Aborting the transport ends the TCP connection at once; every client then opens a
  fresh one for its next request (HTTP/1.1 answers here always carry their length, so
  no close_notify is needed to tell a complete answer from a cut one). A stopping hub
  cuts its idle HTTPS connections the same way, and every connection still open after
  its grace time (:class:`kiosk.hub.server.HubUvicorn`), or their sockets would outlive it.
- **The request head must arrive quickly and stay small**: a connection that sends no
  complete head within :data:`HEAD_SECONDS` of its first byte (or of being opened) is
  closed, and a head over :data:`MAX_HEAD_BYTES` gets 431. A slow or endless sender
  cannot hold the hub's connections.
- **A stopping hub ends every stream cleanly**: uvicorn's WebSocket protocol tries to
  send its "going away" close frame even to a client whose own close frame has just
  arrived, which raises in the middle of the shutdown; :class:`HubWebSocketProtocol`
  closes such a connection without a second close frame.
- **The stream writes to its connections directly**: one message for ten consoles is one
  frame, encoded once and written to each connection from the event loop, with no task,
  queue or ASGI message per console (:meth:`HubWebSocketProtocol.send_now`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State

MAX_HEAD_BYTES = 16 * 1024  # request line and headers
HEAD_SECONDS = 10.0  # to send a whole request head, from its first byte
CUT_SECONDS = 10.0  # a stream client that reads nothing after being closed is cut
DIRECT = "guichet.stream"  # key of a WebSocket connection's direct writer in its scope


class HubHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the hub's limits (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes: int | None = 0  # None while a request's body or answer is under way
        self._raw_bytes = 0  # bytes received while waiting for a head (bounds a slow one)
        self._head_deadline: asyncio.TimerHandle | None = None
        self._refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.tcp = tcp_transport(transport)
        self._arm_head_deadline()  # a connection that never speaks is closed too

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._head_bytes is not None:
            if self._raw_bytes == 0 and self._head_deadline is None:
                self._arm_head_deadline()
            self._raw_bytes += len(data)
        super().data_received(data)
        # a head still incomplete after this piece, and too long already
        if self._head_bytes is not None and self._raw_bytes > MAX_HEAD_BYTES:
            self._too_large()

    # the parser's callbacks: the head's size, counted exactly
    def on_url(self, url: bytes) -> None:
        self._add(len(url) + 16)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._add(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._cancel_head_deadline()
        too_large = (self._head_bytes or 0) > MAX_HEAD_BYTES
        self._head_bytes = None
        if too_large:
            self._too_large()
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._refused:
            super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._head_bytes = self._raw_bytes = 0  # the next request's head is counted afresh

    def timeout_keep_alive_handler(self) -> None:
        if self.transport.is_closing():
            return
        if self.scheme == "https":
            self.transport.abort()  # see the module docstring
        else:
            super().timeout_keep_alive_handler()

    def shutdown(self) -> None:
        # a stopping hub cuts its idle HTTPS connections too: a polite TLS close would
        # outlive the hub's event loop and leave the connection's socket open
        idle = self.cycle is None or self.cycle.response_complete
        if self.scheme == "https" and idle and not self.transport.is_closing():
            self.transport.abort()
        else:
            super().shutdown()

    # -- inner ---------------------------------------------------------------------------
    def _add(self, size: int) -> None:
        if self._head_bytes is not None:
            self._head_bytes += size

    def _arm_head_deadline(self) -> None:
        self._cancel_head_deadline()
        self._head_deadline = self.loop.call_later(HEAD_SECONDS, self._head_too_slow)

    def _cancel_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self._head_bytes is None or self._refused or self.transport.is_closing():
            return
        if self._raw_bytes == 0:
            self.transport.abort()  # nothing asked: nothing to answer
        else:
            self._refuse(408, b"Request Timeout",
                         f"the request head took longer than {HEAD_SECONDS:.0f} s")

    def _too_large(self) -> None:
        self._refuse(431, b"Request Header Fields Too Large",
                     f"the request head is larger than {MAX_HEAD_BYTES // 1024} KiB")

    def _refuse(self, status: int, reason: bytes, message: str) -> None:
        """Answer ``status`` with ``message`` and close the connection."""
        if self._refused:
            return
        self._refused = True
        self._cancel_head_deadline()
        self._head_bytes = None
        body = message.encode()
        self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
                             b"content-length: %d\r\nconnection: close\r\n\r\n%s"
                             % (status, reason, len(body), body))
        self.transport.close()


def tcp_transport(transport: asyncio.BaseTransport) -> asyncio.BaseTransport:
    """The TCP connection under ``transport``, kept when the connection is made: under TLS
    asyncio's SSL transport sits on top of it and forgets it when closed twice, after
    which nothing could cut a connection whose client never finishes the TLS close."""
    ssl_protocol = getattr(transport, "_ssl_protocol", None)  # asyncio.sslproto's own
    tcp = getattr(ssl_protocol, "_transport", None)
    return tcp if isinstance(tcp, asyncio.BaseTransport) else transport


def text_frame(text: str) -> bytes:
    """One unmasked, uncompressed WebSocket text frame: what the hub sends any console
    (made once per stream message, written to every connection)."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])


class HubWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol, stopping cleanly (see the module docstring), which
    lets the stream write to it directly: its scope's ``extensions`` hold it under
    :data:`DIRECT` once the handshake is accepted."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.tcp = tcp_transport(transport)

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None and not self.close_sent:  # accepted: the app starts next turn
            scope["extensions"][DIRECT] = self

    def send_now(self, frame: bytes, text: str) -> bool:
        """Write one text message at once (``frame`` is it already encoded, used unless
        the client negotiated an extension); False when the connection is closing."""
        if self.close_sent or self.transport.is_closing() or self.conn.state is not State.OPEN:
            return False
        if self.conn.extensions:
            self.conn.send_text(text.encode())
            frame = b"".join(self.conn.data_to_send())
        self.transport.write(frame)
        return True

    def buffered(self) -> int:
        """Bytes written but not yet taken by the network (a client that does not read)."""
        return int(self.transport.get_write_buffer_size())

    def close_behind(self, code: int, reason: str) -> None:
        """Close a connection whose client is too far behind: the close frame goes after
        what it has not read yet, and a client that reads nothing at all is cut
        :data:`CUT_SECONDS` later (uvicorn's own close waits until the buffer drains)."""
        if not self.close_sent and self.conn.state is State.OPEN:
            self.conn.send_close(code, reason)
            self.transport.write(b"".join(self.conn.data_to_send()))
            self.close_sent = True
            self.queue.put_nowait({"type": "websocket.disconnect", "code": code})
        self.transport.close()  # once the buffer is sent
        self.loop.call_later(CUT_SECONDS, self.transport.abort)

    def shutdown(self) -> None:
        if not self.close_sent and self.conn.state is not State.OPEN and \
                self.handshake_complete:
            self.stop_keepalive()  # the client is closing already: nothing more to say
            self.queue.put_nowait({"type": "websocket.disconnect", "code": 1012})
            self.transport.close()
            return
        super().shutdown()
