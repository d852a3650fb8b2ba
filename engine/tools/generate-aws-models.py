#!/usr/bin/env python3
"""Writes engine/src/main/resources/aws-models/<service>.json.gz from botocore's service models.

Stepwise forwards `arn:aws:states:::aws-sdk:<service>:<action>` and the optimized integrations to
other services' endpoints. To build a request and read an answer it needs each service's
protocol and the shapes of its operations (with their required members and enums, against which
TestState checks a mocked result): this script keeps exactly that (no documentation)
from the models botocore ships (Apache License 2.0, https://github.com/boto/botocore), one
gzip file per service, named as Step Functions names services in `aws-sdk:` resources: the
serviceId in lower case without spaces and without a closing "Service", as the AWS SDK for Java
2.x names its clients (SFN -> sfn, CloudWatch Logs -> cloudwatchlogs, Config Service -> config).

    pip install botocore && python3 engine/tools/generate-aws-models.py

The output is deterministic (gzip without a time stamp), so a run on the same botocore
changes nothing.
"""
import gzip
import json
import os
import re
import sys

import botocore

DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "resources", "aws-models")

MEMBER_TRAITS = ("location", "locationName", "jsonvalue", "flattened", "xmlNamespace", "xmlAttribute",
                 "idempotencyToken", "hostLabel", "queryName")


def latest(service):
    d = os.path.join(DATA, service)
    versions = sorted(v for v in os.listdir(d) if os.path.isdir(os.path.join(d, v)))
    for version in reversed(versions):
        for name in ("service-2.json.gz", "service-2.json"):
            f = os.path.join(d, version, name)
            if os.path.exists(f):
                with (gzip.open(f) if f.endswith(".gz") else open(f, "rb")) as fh:
                    return json.load(fh)
    return None


def member(ref):
    out = {"shape": ref["shape"]}
    for t in MEMBER_TRAITS:
        if t in ref:
            out[t] = ref[t]
    return out


def shape(s):
    out = {"type": s["type"]}
    t = s["type"]
    if t == "structure":
        out["members"] = {k: member(v) for k, v in s.get("members", {}).items()}
        for a in ("payload", "exception", "error", "locationName", "required"):
            if a in s:
                out[a] = s[a]
        if isinstance(out.get("error"), dict):
            out["error"] = {k: v for k, v in out["error"].items() if k in ("code", "httpStatusCode", "senderFault")}
    elif t == "list":
        out["member"] = member(s["member"])
        if s.get("flattened"):
            out["flattened"] = True
    elif t == "map":
        out["key"] = member(s["key"])
        out["value"] = member(s["value"])
        if s.get("flattened"):
            out["flattened"] = True
    elif t == "string" and "enum" in s:
        out["enum"] = s["enum"]
    elif t == "timestamp" and "timestampFormat" in s:
        out["timestampFormat"] = s["timestampFormat"]
    if s.get("streaming"):
        out["streaming"] = True
    if s.get("document"):
        out["document"] = True
    if s.get("jsonvalue"):
        out["jsonvalue"] = True
    return out


def compact(model):
    md = {k: v for k, v in model["metadata"].items()
          if k in ("protocol", "protocols", "serviceId", "targetPrefix", "jsonVersion", "signingName",
                   "endpointPrefix", "apiVersion", "xmlNamespace", "awsQueryCompatible")}
    ops = {}
    for name, op in model["operations"].items():
        o = {"http": op.get("http", {})}
        if "input" in op:
            o["input"] = op["input"]["shape"]
        if "output" in op:
            o["output"] = op["output"]["shape"]
            if "resultWrapper" in op["output"]:
                o["resultWrapper"] = op["output"]["resultWrapper"]
        o["errors"] = [e["shape"] for e in op.get("errors", [])]
        ops[name] = o
    return {"metadata": md, "operations": ops, "shapes": {n: shape(s) for n, s in model["shapes"].items()}}


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        if old.endswith(".json.gz"):
            os.remove(os.path.join(OUT, old))
    written = {}
    for service in sorted(os.listdir(DATA)):
        if not os.path.isdir(os.path.join(DATA, service)):
            continue
        model = latest(service)
        if model is None or "serviceId" not in model.get("metadata", {}):
            continue
        name = re.sub("[^a-z0-9]", "", re.sub(r"\s+Service$", "", model["metadata"]["serviceId"]).lower())
        if name in written:
            print(f"{service}: {name} already written from {written[name]}, skipped", file=sys.stderr)
            continue
        written[name] = service
        body = json.dumps(compact(model), separators=(",", ":"), sort_keys=True).encode()
        with open(os.path.join(OUT, name + ".json.gz"), "wb") as fh:
            fh.write(gzip.compress(body, 9, mtime=0))
    print(f"{len(written)} services from botocore {botocore.__version__} in {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
