"""The browser suite's live server: a browser that resets its connection while the server
drains the request (a page left while its favicon loads) must not leave a file open. Werkzeug's
development server skips closing the body then; a leaked file later fails an unrelated browser
test with a ResourceWarning (it did in CI). No browser needed: raw sockets reset the connection."""

from __future__ import annotations

import gc
import socket
import struct
import sys
import threading

from flask import Flask
from werkzeug.serving import make_server

from tests.browser.conftest import _InFlight
from webapp import ROOT


def test_a_reset_connection_leaves_no_file_open():
    app = Flask(__name__, static_folder=str(ROOT / "static"))
    leaks: list = []
    server = make_server("127.0.0.1", 0, _InFlight(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    previous, sys.unraisablehook = sys.unraisablehook, lambda u: leaks.append(u.exc_value)
    thread.start()
    try:
        for _ in range(40):
            client = socket.create_connection(("127.0.0.1", server.server_port))
            client.sendall(b"GET /static/favicon.svg HTTP/1.1\r\nHost: keydesk\r\n\r\n")
            assert client.recv(12).startswith(b"HTTP/1.1 200")
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()  # SO_LINGER 0: the close is a reset
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        gc.collect()
        sys.unraisablehook = previous
    assert leaks == []
