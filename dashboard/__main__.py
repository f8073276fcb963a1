"""python -m dashboard: serve the app with gunicorn on DEFEX_HOST:DEFEX_PORT (default 127.0.0.1:8050).
A setting that cannot be used is one line on stderr and exit code 2."""

import sys

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
