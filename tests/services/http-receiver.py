#!/usr/bin/env python3
"""http-receiver: a loopback HTTP server for hs-fanout's tests.

  http-receiver.py --port-file F --log FILE [--fail N] [--throttle N]
                   [--retry-after S] [--status CODE] [--delay S]
                   [--peers FILE] [--inflight FILE] [--journal FILE]
                   [--requests FILE]

Listens on 127.0.0.1 on an ephemeral port (written to --port-file once
listening).  Every POST body is appended to --log as one line (a batch
body as it came).  The first --fail requests get 500, the next
--throttle get 429 with Retry-After: --retry-after (or, with
--retry-after-date S, an HTTP date S seconds ahead); --status answers
every request with CODE (a dead target); --delay sleeps before
answering (a slow target); --peers appends each request's client
address and port (one line per request, to count connections).  Requests that were answered with an error
are logged to LOG.rejected instead.  --inflight keeps in FILE the
largest number of requests the receiver was handling at once (from
reading a request to just before answering it, --delay included),
rewritten as it grows.  --journal appends one line per request when it is answered:
"START END CODE BODY" (times in seconds, BODY the body's first line).
--requests appends one JSON line per request: {"path": PATH?QUERY,
"headers": [[NAME, VALUE], ...]} (the request's headers in order).
Stops on SIGTERM.
"""
import argparse
import email.utils
import math
import http.server
import json
import loopback
import os
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--log", required=True)
ap.add_argument("--fail", type=int, default=0)
ap.add_argument("--throttle", type=int, default=0)
ap.add_argument("--retry-after", default="1")
ap.add_argument("--retry-after-date", type=float)
ap.add_argument("--status", type=int, default=0)
ap.add_argument("--delay", type=float, default=0)
ap.add_argument("--peers")
ap.add_argument("--inflight")
ap.add_argument("--journal")
ap.add_argument("--requests")
args = ap.parse_args()

lock = threading.Lock()
state = {"n": 0, "now": 0, "max": 0}


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        start = time.time()
        with lock:
            state["now"] += 1
            if state["now"] > state["max"]:
                state["max"] = state["now"]
                if args.inflight:
                    with open(args.inflight + ".tmp", "w") as f:
                        f.write("%d\n" % state["max"])
                    os.rename(args.inflight + ".tmp", args.inflight)
        if args.delay:
            time.sleep(args.delay)
        with lock:
            # no longer in flight before the answer leaves, so the count
            # never includes a request the client already saw answered
            state["now"] -= 1
            state["n"] += 1
            k = state["n"]
            code, extra = 200, {}
            if args.status:
                code = args.status
            elif k <= args.fail:
                code = 500
            elif k <= args.fail + args.throttle:
                ra = args.retry_after
                if args.retry_after_date is not None:
                    # an HTTP date this many seconds ahead (RFC 9110
                    # 10.2.3), rounded up to its whole-second resolution
                    ra = email.utils.formatdate(
                        math.ceil(time.time() + args.retry_after_date),
                        usegmt=True)
                code, extra = 429, {"Retry-After": ra}
            if args.peers:
                with open(args.peers, "a") as f:
                    f.write("%s:%d %.3f\n" % (self.client_address[0],
                                             self.client_address[1],
                                             time.time()))
            path = args.log if code < 300 else args.log + ".rejected"
            with open(path, "ab") as f:
                f.write(body.rstrip(b"\n") + b"\n")
            if args.requests:
                # the request line's path (with its query) and every
                # header as sent, in order, one JSON object per request
                with open(args.requests, "a") as f:
                    f.write(json.dumps({
                        "path": self.path,
                        "headers": [[k2, v] for k2, v in
                                    self.headers.items()]}) + "\n")
            if args.journal:
                with open(args.journal, "ab") as f:
                    f.write(b"%.3f %.3f %d %s\n" % (
                        start, time.time(), code,
                        body.split(b"\n", 1)[0]))
        self.send_response(code)
        for k2, v in extra.items():
            self.send_header(k2, v)
        self.send_header("Content-Length", "0")
        self.end_headers()


loopback.serve(H, args.port_file, backlog=64)
