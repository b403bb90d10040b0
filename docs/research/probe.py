#!/usr/bin/env python3
"""Research helper for docs/research/connectors.md (not used by the library or its tests).

  probe.py catalog DISCOVER_OUT [--full-refresh S,...] [--streams S,...] > catalog.json
      a configured catalog from `discover` output: incremental where supported, else full_refresh;
      destination_sync_mode append; generation_id 1, minimum_generation_id 0, sync_id 1.
  probe.py summary READ_OUT [--states N]
      what a `read` printed on stdout: message types, records per stream, every STATE (first N
      verbatim), whether sourceStats.recordCount matches the records counted since the previous
      STATE of that stream, and stdout lines that are not JSON.
  probe.py last-state READ_OUT > state.json
      the --state file for the next read: the last STATE of each stream (or the last GLOBAL).
"""
import json
import sys
from collections import Counter, defaultdict


def load(path):
    messages, junk = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            try:
                msg = json.loads(line)
            except ValueError:
                junk.append(line)
                continue
            if isinstance(msg, dict) and "type" in msg:
                messages.append(msg)
            else:
                junk.append(line)
    return messages, junk


def key_of_state(state):
    kind = state.get("type", "LEGACY")
    if kind == "STREAM":
        d = state["stream"]["stream_descriptor"]
        return (d.get("namespace"), d["name"])
    return (None, "_" + kind)


def catalog(args):
    out = args[0]
    full = set(opt(args, "--full-refresh", "").split(",")) - {""}
    only = set(opt(args, "--streams", "").split(",")) - {""}
    messages, _ = load(out)
    streams = next(m["catalog"]["streams"] for m in messages if m["type"] == "CATALOG")
    configured = []
    for s in streams:
        if only and s["name"] not in only:
            continue
        incremental = "incremental" in s.get("supported_sync_modes", []) and s["name"] not in full
        entry = {
            "stream": s,
            "sync_mode": "incremental" if incremental else "full_refresh",
            "destination_sync_mode": "append",
            "generation_id": 1,
            "minimum_generation_id": 0,
            "sync_id": 1,
        }
        if incremental:
            entry["cursor_field"] = s.get("default_cursor_field", [])
        if s.get("source_defined_primary_key"):
            entry["primary_key"] = s["source_defined_primary_key"]
        configured.append(entry)
    json.dump({"streams": configured}, sys.stdout, indent=1)


def summary(args):
    messages, junk = load(args[0])
    show = int(opt(args, "--states", "3"))
    types = Counter(m["type"] for m in messages)
    per_stream = Counter()
    since = defaultdict(int)
    shown = 0
    mismatches = []
    states = 0
    for m in messages:
        if m["type"] == "RECORD":
            r = m["record"]
            per_stream[(r.get("namespace"), r["stream"])] += 1
            since[(r.get("namespace"), r["stream"])] += 1
            since[(None, "_ALL")] += 1
        elif m["type"] == "STATE":
            states += 1
            st = m["state"]
            k = key_of_state(st)
            counted = since[k] if st.get("type") == "STREAM" else since[(None, "_ALL")]
            stats = (st.get("sourceStats") or {}).get("recordCount")
            if stats is not None and stats != counted:
                mismatches.append((states, k, stats, counted))
            if shown < show:
                print(f"STATE #{states} (records since previous STATE of this scope: {counted}):")
                print("  " + json.dumps(st))
                shown += 1
            if st.get("type") == "STREAM":
                since[k] = 0
            else:
                since.clear()
    print("message types:", dict(types))
    print("records per stream:", {f"{ns + '.' if ns else ''}{n}": c for (ns, n), c in per_stream.items()})
    kinds = Counter(m["state"].get("type", "LEGACY") for m in messages if m["type"] == "STATE")
    with_stats = sum(1 for m in messages if m["type"] == "STATE" and "sourceStats" in m["state"])
    print(f"STATE messages: {states} {dict(kinds)}; with sourceStats: {with_stats}; count mismatches: {mismatches}")
    traces = Counter(
        (m["trace"].get("type"), (m["trace"].get("stream_status") or {}).get("status"))
        for m in messages
        if m["type"] == "TRACE"
    )
    if traces:
        print("TRACE messages:", dict(traces))
    if junk:
        print(f"non-JSON stdout lines: {len(junk)}; first: {junk[0][:200]!r}")


def last_state(args):
    messages, _ = load(args[0])
    last = {}
    for m in messages:
        if m["type"] == "STATE":
            st = m["state"]
            if st.get("type") == "GLOBAL":
                last = {}
            last[key_of_state(st)] = st
    json.dump(list(last.values()), sys.stdout, indent=1)


def opt(args, name, default):
    return args[args.index(name) + 1] if name in args else default


if __name__ == "__main__":
    {"catalog": catalog, "summary": summary, "last-state": last_state}[sys.argv[1]](sys.argv[2:])
