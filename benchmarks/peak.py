"""Run a Python module or script in this process, then write its peak memory (KiB) to a file.

    python benchmarks/peak.py PEAK_FILE -m MODULE ARGS...
    python benchmarks/peak.py PEAK_FILE SCRIPT.py ARGS...

The peak is the kernel's VmHWM of this process's memory, which starts afresh at exec: the
ru_maxrss a parent reads of its child starts at the parent's own size when it forked.
Imports nothing beyond the standard library's os, re, runpy and sys, so what it adds to a
measured start-up is a few milliseconds, the same for every case.
"""

import re
import runpy
import sys


def main() -> None:
    peak_file, *command = sys.argv[1:]
    try:
        if command[0] == "-m":
            sys.argv = command[1:]
            runpy.run_module(command[1], run_name="__main__", alter_sys=True)
        else:
            sys.argv = command
            runpy.run_path(command[0], run_name="__main__")
    finally:
        with open("/proc/self/status") as status:
            peak = re.search(r"VmHWM:\s*(\d+)", status.read())
        with open(peak_file, "w") as out:
            out.write(peak[1] if peak else "")


if __name__ == "__main__":
    main()
