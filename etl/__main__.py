import signal
import sys


def _before_the_run(_signum, _frame):
    """Ctrl-C while the command is still loading (etl.cli takes over from here on): nothing was done yet."""
    print("interrupted; nothing was changed", file=sys.stderr)
    raise SystemExit(130)


signal.signal(signal.SIGINT, _before_the_run)

import gc  # noqa: E402

from etl.cli import main  # noqa: E402

code = main()
signal.signal(signal.SIGINT, signal.SIG_IGN)  # the run is over and has said so: a late Ctrl-C changes nothing
# The interpreter's last collection at exit would walk every object pandas, pandera and pycountry made (~0.14 s
# of a 1.6 s run); frozen, they are left to the process's end (files are closed and flushed as usual).
gc.freeze()
sys.exit(code)
