"""dashboard/asgi.py: the request body is read on the event loop, bounded in bytes and in time."""

import asyncio
import concurrent.futures

from dashboard import asgi
from dashboard.app import MAX_BODY


def call(messages, monkeypatch, seconds=0.2):
    """Run asgi.buffered around a recording app; `messages` are what the client sends (None: it stalls)."""
    monkeypatch.setattr(asgi, "BODY_SECONDS", seconds)
    seen, sent = [], []

    async def inner(scope, receive, send):
        seen.append(await receive())
        await send({"type": "http.response.start", "status": 200, "headers": []})

    async def receive():
        if not messages:
            await asyncio.sleep(3600)
        message = messages.pop(0)
        if message is None:
            await asyncio.sleep(3600)
        return message

    async def send(message):
        sent.append(message)

    # in a thread of its own: the browser tests' Playwright keeps an event loop running in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, asgi.buffered(inner)({"type": "http"}, receive, send)).result(30)
    return seen, sent


def chunk(body: bytes, more: bool) -> dict:
    return {"type": "http.request", "body": body, "more_body": more}


def test_a_body_that_never_finishes_gets_408_and_never_reaches_the_app(monkeypatch):
    seen, sent = call([chunk(b'{"output":', True), None], monkeypatch)
    assert seen == []
    assert sent[0]["status"] == 408
    assert sent[1]["body"] == b"request body not received within 0.2 s\n"


def test_a_body_over_the_limit_gets_413(monkeypatch):
    seen, sent = call([chunk(b"x" * MAX_BODY, True), chunk(b"x", True)], monkeypatch)
    assert seen == []
    assert sent[0]["status"] == 413
    assert sent[1]["body"] == b"request body over 1048576 bytes\n"


def test_a_body_in_pieces_reaches_the_app_whole(monkeypatch):
    seen, sent = call([chunk(b'{"a":', True), chunk(b"1}", False)], monkeypatch)
    assert seen == [{"type": "http.request", "body": b'{"a":1}', "more_body": False}]
    assert sent[0]["status"] == 200


def test_a_client_that_leaves_before_its_body_ends_gets_nothing(monkeypatch):
    seen, sent = call([chunk(b"{", True), {"type": "http.disconnect"}], monkeypatch)
    assert (seen, sent) == ([], [])
