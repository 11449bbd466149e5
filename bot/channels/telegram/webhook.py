"""The webhook: Telegram POSTs each update here; the HTTP 200 goes back only once the inbox has stored it.

python-telegram-bot's built-in webhook server reads the whole request body before it checks the secret header,
with tornado's default 100 MB body limit, so anyone who finds the URL can make the bot hold large bodies in memory.
This one runs on tornado too (the web server python-telegram-bot itself uses; its custom-webhook examples show
that any asyncio server will do) but streams the body: the secret is checked and the declared size capped as soon
as the headers arrive, before a byte of the body is read.

Answers: 403 without the right secret, 413 for a body over 1 MB, 400 for anything that is not an update in JSON,
500 if the update could not be stored (Telegram then sends it again), 200 once it is stored.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import time
from typing import Any

import tornado.httpserver
import tornado.web

from bot.channels.telegram.inbox import Inbox

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # Telegram's updates are a few KB (a message is at most 4096 characters)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)

    def initialize(self, inbox: Inbox, secret: str, server: WebhookServer) -> None:
        self.inbox = inbox
        self.secret = secret.encode()
        self.server = server
        self.body = bytearray()
        self.counted = False

    def set_default_headers(self) -> None:
        self.clear_header("Server")

    def prepare(self) -> None:
        """Runs when the headers are in and the body is not: refused here, the body is never read."""
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            self._refuse(403)
            return
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            self._refuse(413)
            return
        self.counted = True
        self.server.active += 1

    def data_received(self, chunk: bytes) -> None:
        if self._finished:
            return
        self.body += chunk
        if len(self.body) > MAX_BODY:  # a chunked body has no Content-Length to check up front
            self._refuse(413)

    async def post(self) -> None:
        try:
            raw: Any = json.loads(self.body)
        except ValueError:
            raw = None
        self.body = bytearray()
        if not isinstance(raw, dict) or type(raw.get("update_id")) is not int:
            self._refuse(400)
            return
        try:
            await self.inbox.accept([raw])
        except Exception as exc:  # noqa: BLE001 - not stored: say so, and Telegram will send it again
            log.error("Could not store a webhook update (%s)", type(exc).__name__)
            self._refuse(500)
            return
        self.finish()

    def on_finish(self) -> None:
        self._uncount()

    def on_connection_close(self) -> None:
        self._uncount()

    def _uncount(self) -> None:
        if self.counted:
            self.counted = False
            self.server.active -= 1

    def _refuse(self, status: int) -> None:
        self.body = bytearray()
        self.set_status(status)
        self.finish()


def _log_request(handler: tornado.web.RequestHandler) -> None:
    """tornado's access log names the path and the caller's address; this says only what happened."""
    log.debug("Webhook request answered %d in %.1f ms", handler.get_status(), handler.request.request_time() * 1000)


class WebhookServer:
    def __init__(self, inbox: Inbox, *, listen: str, port: int, path: str, secret: str):
        self.listen = listen
        self.port = port
        self.active = 0  # requests past the secret check and not answered yet
        app = tornado.web.Application(
            [(f"/{re.escape(path.strip('/'))}", UpdateHandler, {"inbox": inbox, "secret": secret, "server": self})],
            log_function=_log_request)
        # tornado's own cap is a backstop (it answers 400); the handler answers 413 at MAX_BODY.
        self._server = tornado.httpserver.HTTPServer(app, max_body_size=4 * MAX_BODY, idle_connection_timeout=75,
                                                     body_timeout=30)

    def start(self) -> None:
        self._server.listen(self.port, self.listen)

    async def stop(self, grace: float) -> None:
        """Stop accepting connections; requests in progress finish (their updates are stored and answered 200)
        within ``grace`` seconds; then every connection is closed."""
        self._server.stop()
        deadline = time.monotonic() + grace
        while self.active and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        try:
            await asyncio.wait_for(self._server.close_all_connections(), max(deadline - time.monotonic(), 0.1))
        except asyncio.TimeoutError:
            log.warning("Webhook connections still open after %.1f s", grace)
