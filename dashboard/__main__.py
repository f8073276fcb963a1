"""python -m dashboard: serve the app with gunicorn on DEFEX_HOST:DEFEX_PORT (default 127.0.0.1:8050).

gunicorn's asyncio worker (`asgi`) serving dashboard.asgi:app, so idle and slow clients cost no worker (see
dashboard/asgi.py); DEFEX_WORKERS processes, idle keep-alive connections closed after KEEPALIVE seconds.
"""

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
        from dashboard.asgi import app

        return app


if __name__ == "__main__":
    print(f"defex dashboard: http://{config.host()}:{config.port()}/")
    Server().run()
