#!/usr/bin/env python3
"""Turns `plancheck check --format jsonl` output into the benchmark kit's line format.

    to_peer_lines.py IN.jsonl OUT_DIR NAME

writes OUT_DIR/NAME.jsonl (the `fail` findings) and OUT_DIR/NAME.missing.jsonl (the
`missing` ones), each line exactly {"entity":…,"rule":…,"year":…}, in plancheck's order
(entity, rule number, year), which is the order check_agree.py expects.
"""
import json
import os
import sys


def main():
    src, out, name = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    files = {
        "fail": open(os.path.join(out, name + ".jsonl"), "w", encoding="utf-8"),
        "missing": open(os.path.join(out, name + ".missing.jsonl"), "w", encoding="utf-8"),
    }
    with open(src, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            target = files.get(d["outcome"])
            if target is not None:
                target.write('{"entity":%s,"rule":%s,"year":%d}\n' % (
                    json.dumps(d["entity"], ensure_ascii=False), json.dumps(d["rule"]), d["year"]))
    for f in files.values():
        f.close()


if __name__ == "__main__":
    main()
