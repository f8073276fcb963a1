"""python -m dashboard: serve the app with gunicorn on DEFEX_HOST:DEFEX_PORT (default 127.0.0.1:8050)."""

from gunicorn.app.base import BaseApplication

from dashboard import config


class Server(BaseApplication):
    def load_config(self):
        self.cfg.set("bind", f"{config.host()}:{config.port()}")
        self.cfg.set("workers", config.workers())
        self.cfg.set("accesslog", "-")

    def load(self):
        from dashboard.app import server

        return server


if __name__ == "__main__":
    print(f"defex dashboard: http://{config.host()}:{config.port()}/")
    Server().run()
