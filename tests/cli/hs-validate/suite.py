#!/usr/bin/env python3
"""Run the official JSON Schema Test Suite through the real hs-validate.

usage: suite.py HS_VALIDATE SUITE_DIR METASCHEMA_DIR WORKDIR [--optional] [-v]

For every test group: the schema goes to a file, the instances to an
NDJSON file (one per line), hs-validate runs once with --dlq, and each
line's verdict (passed, or dead-lettered with its line number) is
compared with the expected "valid".  Remote references resolve through
--ref-map: http://localhost:1234/ to the suite's remotes/, and
json-schema.org to the metaschemas.  The draft7 directory's schemas get
"$schema" for draft-07 when they do not name one (hs-validate defaults to
2020-12).  Prints pass counts per file and totals; exits 1 when a
required test fails (optional ones are reported only).
"""
import json
import os
import subprocess
import sys
from decimal import Decimal

DIALECTS = [("draft2020-12", None),
            ("draft7", "http://json-schema.org/draft-07/schema#")]


def enc(v, ascii_only=False):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, Decimal)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=ascii_only)
    if isinstance(v, list):
        return "[" + ",".join(enc(x, ascii_only) for x in v) + "]"
    return "{" + ",".join(json.dumps(k, ensure_ascii=ascii_only) + ":" +
                          enc(x, ascii_only) for k, x in v.items()) + "}"


def line_of(v):
    try:
        s = enc(v)
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return enc(v, True)


def run_group(hv, refmaps, work, schema, tests, assert_format):
    sp = os.path.join(work, "schema.json")
    dp = os.path.join(work, "data.ndjson")
    qp = os.path.join(work, "dlq.ndjson")
    with open(sp, "w", encoding="utf-8") as f:
        f.write(line_of(schema))
    with open(dp, "w", encoding="utf-8") as f:
        for t in tests:
            f.write(line_of(t["data"]) + "\n")
    if os.path.exists(qp):
        os.unlink(qp)
    cmd = [hv, "--schema", sp, "--dlq", qp, "--max-errors", "3"] + refmaps
    if assert_format:
        cmd.append("--assert-format")
    p = subprocess.run(cmd + [dp], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=60)
    if p.returncode not in (0, 1):
        return None, p.stderr.decode(errors="replace").strip()
    bad = set()
    if os.path.exists(qp):
        with open(qp, encoding="utf-8") as f:
            for rec in f:
                bad.add(json.loads(rec)["input"]["line"])
    return [(i + 1) not in bad for i in range(len(tests))], ""


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    optional = "--optional" in sys.argv
    verbose = "-v" in sys.argv
    hv, suite, metas, work = args
    refmaps = ["--ref-map", "http://localhost:1234/=" +
               os.path.join(suite, "remotes") + "/",
               "--ref-map", "https://json-schema.org/=" + metas + "/",
               "--ref-map", "http://json-schema.org/=" + metas + "/"]
    req_fail = 0
    totals = {}
    for dialect, inject in DIALECTS:
        base = os.path.join(suite, "tests", dialect)
        files = sorted(f for f in os.listdir(base) if f.endswith(".json"))
        sets = [("", f) for f in files]
        if optional:
            ob = os.path.join(base, "optional")
            sets += [("optional/", f) for f in sorted(os.listdir(ob))
                     if f.endswith(".json")]
            fb = os.path.join(ob, "format")
            sets += [("optional/format/", f) for f in sorted(os.listdir(fb))
                     if f.endswith(".json")]
        for sub, name in sets:
            path = os.path.join(base, sub, name)
            with open(path, encoding="utf-8") as f:
                groups = json.load(f, parse_float=Decimal)
            ok = n = 0
            fails = []
            for g in groups:
                schema = g["schema"]
                if inject and isinstance(schema, dict) and \
                        "$schema" not in schema:
                    schema = dict([("$schema", inject)] +
                                  list(schema.items()))
                got, err = run_group(hv, refmaps, work, schema, g["tests"],
                                     sub.startswith("optional/format"))
                for i, t in enumerate(g["tests"]):
                    n += 1
                    if got is not None and got[i] == t["valid"]:
                        ok += 1
                    else:
                        why = err if got is None else \
                            "got %s" % ("valid" if got[i] else "invalid")
                        fails.append("%s | %s (%s)" % (g["description"],
                                                        t["description"],
                                                        why[:200]))
            kind = "optional" if sub else "required"
            key = (dialect, kind)
            a, b = totals.get(key, (0, 0))
            totals[key] = (a + ok, b + n)
            mark = "ok  " if ok == n else "FAIL"
            print("%s %s/%s%s: %d/%d" % (mark, dialect, sub, name, ok, n))
            if not sub:
                req_fail += n - ok
            if fails and (verbose or not sub):
                for fl in fails:
                    print("       - " + fl)
    for (dialect, kind), (ok, n) in sorted(totals.items()):
        print("total %s %s: %d/%d passed" % (dialect, kind, ok, n))
    return 1 if req_fail else 0


if __name__ == "__main__":
    sys.exit(main())
