"""python -m dashboard: serve the app with gunicorn on DEFEX_HOST:DEFEX_PORT (default 127.0.0.1:8050).

gunicorn's asyncio worker (`asgi`) serving dashboard.asgi:app, so idle and slow clients cost no worker (see
dashboard/asgi.py); DEFEX_WORKERS processes, idle keep-alive connections closed after KEEPALIVE seconds.
A setting that cannot be used is one line on stderr and exit code 2.
"""

import sys

from gunicorn.app.base import BaseApplication

from dashboard import config

KEEPALIVE = 5  # seconds an idle keep-alive connection stays open


class Server(BaseApplication):
    def load_config(self):
        self.cfg.set("bind", f"{config.host()}:{config.port()}")
        self.cfg.set("workers", config.workers())
        self.cfg.set("worker_class", "asgi")
        self.cfg.set("keepalive", KEEPALIVE)
        self.cfg.set("timeout", 30)  # a worker silent this long is restarted
        self.cfg.set("accesslog", "-")

    def load(self):
        """Runs in each worker as it starts."""
        from dashboard.app import server
        from dashboard.asgi import app

        # Dash sets itself up on a process's first request (the files it serves, the callbacks) and marks that done
        # before it is: the worker's other threads, answering a page's scripts meanwhile, answered 404 and the page
        # stayed blank. Each worker makes its first request itself, before it takes any.
        server.test_client().get("/")
        return app


def main() -> int:
    try:
        config.check()
    except config.ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"defex dashboard: http://{config.host()}:{config.port()}/")
    Server().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
