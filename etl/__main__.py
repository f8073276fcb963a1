import gc
import sys

from etl.cli import main

code = main()
# The interpreter's last collection at exit would walk every object pandas, pandera and pycountry made (~0.14 s
# of a 1.6 s run); frozen, they are left to the process's end (files are closed and flushed as usual).
gc.freeze()
sys.exit(code)
