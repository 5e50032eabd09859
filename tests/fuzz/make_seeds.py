#!/usr/bin/env python3
"""Seeds the fuzz corpora of the binary and results formats from results
directories of `crashtwin run` (docs/fuzzing.md):
    make_seeds.py CORPUS_DIR RUN_DIR...
cper_record/: each bmc/record-<n>.cper with its sections over 2 KiB left out
  (the memory snapshots of a real record are ~1 MiB: the fuzzer would spend
  its time copying them, and the small sections hold the structure);
crash_region/: the compact input fuzz_crash_region.cpp expands, one slice per
  record of a run;
results_json/: summary.json, perf.json, bmc/report.json and the first lines
  of events.jsonl.
"""
import os
import struct
import sys

PAGE = 4096
HEADER_AREA = 16384
REGION_BASE = 0x40000000
MAX_SECTION = 2048


def trim_record(record):
    count = struct.unpack_from("<H", record, 10)[0]
    kept = []
    for i in range(count):
        d = bytearray(record[128 + 72 * i:128 + 72 * (i + 1)])
        offset, length = struct.unpack_from("<II", d, 0)
        if length <= MAX_SECTION:
            kept.append((d, record[offset:offset + length]))
    header = bytearray(record[:128])
    at = 128 + 72 * len(kept)
    descriptors, bodies = b"", b""
    for d, body in kept:
        struct.pack_into("<II", d, 0, at + len(bodies), len(body))
        descriptors += bytes(d)
        bodies += body
    struct.pack_into("<H", header, 10, len(kept))
    struct.pack_into("<I", header, 20, at + len(bodies))
    return bytes(header) + descriptors + bodies


def region_seed(records):
    # flags 0x0f: the harness recomputes the CRCs, the region size, the slice
    # count and the encoded length, so they are left zero here.
    n = len(records)
    table = struct.pack("<8sIIQQQII", b"CRASHTWN", 1, 0, 1, REGION_BASE, 0, n, 48 + 40 * n)
    area = b""
    for i, record in enumerate(records):
        size = (len(record) + PAGE - 1) // PAGE * PAGE
        base = REGION_BASE + HEADER_AREA + len(area)
        table += struct.pack("<BBHIQQQII", i % 4, 0, i // 4, 1, base, size, len(record), 1, 0)
        area += record + b"\0" * (size - len(record))
    return bytes([0x0F, n]) + table + area


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    corpus, runs = sys.argv[1], sys.argv[2:]
    for run in runs:
        name = os.path.basename(os.path.normpath(run))
        bmc = os.path.join(run, "bmc")
        records = []
        for file in sorted(os.listdir(bmc)):
            if file.endswith(".cper"):
                with open(os.path.join(bmc, file), "rb") as f:
                    records.append(trim_record(f.read()))
                write(os.path.join(corpus, "cper_record", f"{name}-{file}"), records[-1])
        if records:
            write(os.path.join(corpus, "crash_region", f"{name}.region"), region_seed(records))
        for file, lines in (("summary.json", None), ("perf.json", None), ("bmc/report.json", None),
                            ("events.jsonl", 12)):
            with open(os.path.join(run, file), "rb") as f:
                data = f.read()
            if lines:
                data = b"\n".join(data.split(b"\n")[:lines]) + b"\n"
            write(os.path.join(corpus, "results_json", f"{name}-{file.replace('/', '-')}"), data)


if __name__ == "__main__":
    main()
