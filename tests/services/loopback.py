"""loopback: the serving half every Python test service here shares
(http-receiver.py, aws-receiver.py): a threading HTTP server on an
ephemeral 127.0.0.1 port, the port written to a file once listening
(renamed into place, so a reader never sees it half written), stopped
by SIGTERM.  Request handling is each service's own."""
import http.server
import os
import signal
import sys


def serve(handler, port_file, backlog=None):
    class S(http.server.ThreadingHTTPServer):
        daemon_threads = True

    if backlog:
        S.request_queue_size = backlog  # many clients connect at once
    srv = S(("127.0.0.1", 0), handler)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    with open(port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    srv.serve_forever()
