"""`make run`: the development server and a background worker, started and stopped together.

Usage: python scripts/dev_run.py HOST PORT

Both are children of this process: Ctrl-C (or SIGTERM) stops both, and when either exits the
other is stopped too, so no worker is left behind. No dependency beyond the standard library.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def main(host: str, port: str) -> int:
    flask = [sys.executable, "-m", "flask", "--app", "webapp"]
    commands = {
        "web": [*flask, "run", "--host", host, "--port", port],
        "worker": [*flask, "worker", "--workers", "2"],
    }
    children = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    status = 0
    try:
        while True:
            ended = [(n, p.returncode) for n, p in children.items() if p.poll() is not None]
            if ended:
                name, status = ended[0]
                print(f"dev_run: {name} exited ({status}); stopping the rest", file=sys.stderr)
                break
            time.sleep(0.3)
    except KeyboardInterrupt:
        status = 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not orphan a child
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        # SIGTERM for both (a background shell ignores SIGINT); a task the worker was running
        # is picked up again by the next worker's sweep
        for process in children.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 10
        for process in children.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return status


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main(*(sys.argv[1:3] or ["127.0.0.1", "5000"])))
