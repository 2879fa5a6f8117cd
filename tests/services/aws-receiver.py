#!/usr/bin/env python3
"""aws-receiver: a loopback stand-in for Amazon EventBridge's PutEvents
for hs-fanout's tests, speaking the AWS JSON 1.1 protocol as the service
does (POST /, X-Amz-Target: AWSEvents.PutEvents, application/x-amz-json-1.1
bodies, "__type" errors with x-amzn-ErrorType).  Owns no other service.

  aws-receiver.py --port-file F --cred KEYID:SECRET [--cred ...]
                  [--record FILE] [--requests FILE] [--throttle N]
                  [--fail-entry SUBSTR=CODE[:TIMES]] [--max-entry BYTES]

Every request's SigV4 signature is checked by recomputing it with
botocore (the AWS SDK's own signer) from the secret of the key id the
request names: an unknown key id is answered UnrecognizedClientException,
a wrong signature InvalidSignatureException (both as the service answers).
--record appends each accepted entry as one JSON line (the entry as sent).
--requests appends one JSON line per request: {"target", "entries",
"status", "error"}, and for a signed one taken "token": whether the
session token was among the signed headers.  The first --throttle N signed requests are answered
ThrottlingException.  --fail-entry fails an entry whose Detail contains
SUBSTR with ErrorCode CODE the first TIMES times it comes (default 1, 0:
always).  Requests over 10 entries or over 256 KB of entry size (counted
as AWS documents it) are refused with ValidationException, an entry over
--max-entry (default 256 KB) with a per-entry error.  Stops on SIGTERM.
"""
import argparse
import datetime
import http.server
import json
import loopback
import threading
import uuid

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--cred", action="append", default=[])
ap.add_argument("--record")
ap.add_argument("--requests")
ap.add_argument("--throttle", type=int, default=0)
ap.add_argument("--fail-entry", action="append", default=[])
ap.add_argument("--max-entry", type=int, default=262144)
args = ap.parse_args()

secrets = dict(c.split(":", 1) for c in args.cred)
fails = []
for f in args.fail_entry:
    sub, rest = f.split("=", 1)
    code, _, times = rest.partition(":")
    times = int(times or 1)
    fails.append({"sub": sub, "code": code, "left": times or None})
lock = threading.Lock()
state = {"throttle": args.throttle}


def append(path, obj):
    if path:
        with lock, open(path, "a") as f:
            f.write(json.dumps(obj, separators=(",", ":")) + "\n")


def entry_size(e):
    """PutEventsRequestEntry size, as EventBridge documents it."""
    n = 14 if e.get("Time") is not None else 0
    for k in ("Source", "DetailType", "Detail"):
        if isinstance(e.get(k), str):
            n += len(e[k].encode("utf-8"))
    for r in e.get("Resources") or []:
        n += len(r.encode("utf-8"))
    return n


def check_signature(h, body):
    """None if the request is signed right, else (status, type, message)."""
    auth = h.headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return (400, "MissingAuthenticationTokenException",
                "Missing Authentication Token")
    parts = dict(p.strip().split("=", 1)
                 for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    keyid, date, region, service, _ = parts["Credential"].split("/")
    if keyid not in secrets:
        return (400, "UnrecognizedClientException",
                "The security token included in the request is invalid.")
    amzdate = h.headers.get("X-Amz-Date", "")
    signed = parts["SignedHeaders"].split(";")
    headers = {}
    for name in signed:
        v = h.headers.get_all(name) or []
        headers[name] = ",".join(v)
    req = AWSRequest(method=h.command,
                     url="http://" + h.headers.get("Host", "") + h.path,
                     headers=headers, data=body)
    req.context["timestamp"] = amzdate
    creds = Credentials(keyid, secrets[keyid],
                        h.headers.get("X-Amz-Security-Token"))
    signer = SigV4Auth(creds, service, region)
    canonical = signer.canonical_request(req)
    sts = signer.string_to_sign(req, canonical)
    want = signer.signature(sts, req)
    if want != parts["Signature"] or not amzdate.startswith(date):
        return (400, "InvalidSignatureException",
                "The request signature we calculated does not match the "
                "signature you provided. Check your AWS Secret Access Key "
                "and signing method.")
    t = datetime.datetime.strptime(amzdate, "%Y%m%dT%H%M%SZ")
    skew = abs((datetime.datetime.utcnow() - t).total_seconds())
    if skew > 300:
        return (400, "InvalidSignatureException", "Signature expired")
    return None


def put_events(req):
    entries = req.get("Entries")
    if not isinstance(entries, list) or not 1 <= len(entries) <= 10:
        return (400, "ValidationException",
                "1 validation error detected: Value at 'entries' failed "
                "to satisfy constraint: Member must have length less "
                "than or equal to 10"), None
    if sum(entry_size(e) for e in entries) > 262144:
        return (400, "ValidationException",
                "Total size of the entries in the request is over the "
                "limit."), None
    out, failed = [], 0
    for e in entries:
        code = msg = None
        detail = e.get("Detail")
        if not all(isinstance(e.get(k), str)
                   for k in ("Source", "DetailType", "Detail")):
            code, msg = "InvalidArgument", "Parameter(s) missing."
        elif entry_size(e) > args.max_entry:
            code, msg = "InvalidArgument", "Entry is over the size limit."
        else:
            try:
                if not isinstance(json.loads(detail), dict):
                    raise ValueError
            except ValueError:
                code, msg = "MalformedDetail", "Detail is malformed."
        if code is None:
            with lock:
                for f in fails:
                    if f["sub"] in detail and f["left"] != 0:
                        code, msg = f["code"], "injected failure"
                        if f["left"] is not None:
                            f["left"] -= 1
                        break
        if code is None:
            out.append({"EventId": str(uuid.uuid4())})
            append(args.record, e)
        else:
            failed += 1
            out.append({"ErrorCode": code, "ErrorMessage": msg})
    return None, {"FailedEntryCount": failed, "Entries": out}


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, obj, etype=None):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if etype:
            self.send_header("x-amzn-ErrorType", etype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, etype, msg, target, n):
        append(args.requests, {"target": target, "entries": n,
                               "status": status, "error": etype})
        self.answer(status, {"__type": etype, "message": msg}, etype)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        target = self.headers.get("X-Amz-Target", "")
        try:
            req = json.loads(body)
            n = len(req.get("Entries") or [])
        except ValueError:
            req, n = None, 0
        bad = check_signature(self, body)
        if bad:
            return self.error(*bad, target, n)
        if target != "AWSEvents.PutEvents":
            return self.error(400, "UnknownOperationException", "", target,
                              n)
        if not self.headers.get("Content-Type", "").startswith(
                "application/x-amz-json-1.1") or req is None:
            return self.error(400, "SerializationException", "", target, n)
        with lock:
            throttle = state["throttle"] > 0
            state["throttle"] -= 1 if throttle else 0
        if throttle:
            return self.error(400, "ThrottlingException", "Rate exceeded",
                              target, n)
        bad, ans = put_events(req)
        if bad:
            return self.error(*bad, target, n)
        auth = self.headers.get("Authorization", "")
        append(args.requests, {"target": target, "entries": n,
                               "status": 200, "error": None,
                               "token": "x-amz-security-token" in auth})
        self.answer(200, ans)


loopback.serve(H, args.port_file)
