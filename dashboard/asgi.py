"""The dashboard as an ASGI app, for gunicorn's asyncio worker (`python -m dashboard` serves this).

Why: gunicorn's sync workers (and its gthread workers, which hand every accepted connection to a thread) give a
whole worker to a client until it has sent its request; a few hundred silent connections, or clients that send
one request and idle, or a request whose body never arrives, stalled both workers. Here the asyncio loop holds
idle connections for nothing (gunicorn closes them after `keepalive` seconds), the request body is read in
full on the loop before the WSGI app sees it (bounded in bytes and in time: 413 / 408), and only a complete
request takes one of a2wsgi's threads, which run the Flask/Dash app (dashboard.app:server) unchanged.
"""

import asyncio

from a2wsgi import WSGIMiddleware

from dashboard.app import MAX_BODY, server

BODY_SECONDS = 10  # a request body must arrive within this; a client that trickles it gets 408
THREADS = 8  # per worker process: complete requests run in these (DuckDB and the cache are thread-safe)


async def _answer(send, status: int, text: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": text.encode()})


def buffered(app):
    """Read each HTTP request's body on the event loop, then call `app` with it in one message."""

    async def wrapper(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        chunks: list[bytes] = []
        size = 0

        async def read() -> bool:
            nonlocal size
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return False
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if size > MAX_BODY or not message.get("more_body", False):
                    return True

        try:
            complete = await asyncio.wait_for(read(), BODY_SECONDS)
        except TimeoutError:
            return await _answer(send, 408, f"request body not received within {BODY_SECONDS} s\n")
        if not complete:
            return None
        if size > MAX_BODY:
            return await _answer(send, 413, f"request body over {MAX_BODY} bytes\n")
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        return await app(scope, replay, send)

    return wrapper


app = buffered(WSGIMiddleware(server, workers=THREADS))
