#!/usr/bin/env python3
"""Writes the seed corpus under tests/fuzz/corpus/<target>/ from real output: wal2json v2 lines
(the samples in tests/data), XLogData and keepalive frames built around them, the built-in default
config and the examples' configs. Run by hand when the samples change; the result is checked in.
    tests/fuzz/seed_corpus.py [SAMPLES_DIR]   (default: tests/data)
"""
import glob
import hashlib
import os
import re
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))
samples_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "tests", "data")
corpus = os.path.join(here, "corpus")


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    os.makedirs(os.path.join(corpus, target), exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(corpus, target, name), "wb") as f:
        f.write(data)


samples = sorted(glob.glob(os.path.join(samples_dir, "*.jsonl")))
lines = []
for path in samples:
    with open(path, "rb") as f:
        text = f.read()
    write("fuzz_replay", text)
    lines += [line for line in text.split(b"\n") if line.strip()]
lines = list(dict.fromkeys(lines))

# Decoder: every message on its own, and a few after one another (the decoder is reused).
for line in lines:
    write("fuzz_wal2json_decoder", line)
write("fuzz_wal2json_decoder", b"\n".join(lines[:6]))
write("fuzz_wal2json_decoder", '{"action":"I","schema":"s\\u00e5","table":"t \\"q\\" \\u2603","columns":[{"name":"c","type":"text","value":"\\ud83d\\ude00"}]}')
write("fuzz_wal2json_decoder", '{"action":"M","transactional":false,"prefix":"p","content":"x\\n"}')
# An update under REPLICA IDENTITY FULL without its unchanged TOASTed `body`: the fill rewrites it.
write("fuzz_wal2json_decoder", '{"action":"U","xid":7,"schema":"public","table":"docs","columns":[{"name":"id","type":"integer","value":1},'
      '{"name":"n","type":"integer","value":2}],"identity":[{"name":"id","type":"integer","value":1},'
      '{"name":"body","type":"text","value":"[\\"x\\\\\\",{"},{"name":"n","type":"integer","value":1}],"pk":[{"name":"id","type":"integer"}]}')

# Replay: blank lines, CRLF, a line that is not JSON at the end.
write("fuzz_replay", b"\r\n".join(lines[:4]) + b"\r\n\n   \n" + lines[4] + b"\nnot json\n")


# Replication protocol: CopyData messages, each with a 2-byte big-endian length (the target's framing).
def frame(message):
    return struct.pack(">H", len(message)) + message


def xlog(start, end, payload):
    return b"w" + struct.pack(">QQq", start, end, 700000000000000) + payload


def keepalive(end, reply):
    return b"k" + struct.pack(">Qq", end, 700000000000000) + bytes([reply])


def lsn(text):
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


stream = b""
for i, line in enumerate(lines[:22]):
    m = re.search(rb'"lsn":"([0-9A-F]+/[0-9A-F]+)"', line)
    start = lsn(m.group(1).decode()) if m else 0x1E541000 + i * 0x30
    message = frame(xlog(start, start + 0x100, line))
    write("fuzz_replication_protocol", message)
    stream += message
    if i % 5 == 4:
        stream += frame(keepalive(start + 0x30, i % 2))
write("fuzz_replication_protocol", stream)
write("fuzz_replication_protocol", frame(keepalive(0x1E541650, 1)) + frame(keepalive(0x1E541700, 0)))
write("fuzz_replication_protocol", frame(xlog(1, 2, b"")) + frame(b"k" + b"\0" * 8) + frame(b"x"))

# Config: the built-in default, the examples, every interpolation form.
with open(os.path.join(repo, "core/config/default_config.yaml")) as f:
    write("fuzz_config", f.read())
for path in sorted(glob.glob(os.path.join(repo, "examples/*/popyka.yaml"))):
    with open(path, "rb") as f:
        write("fuzz_config", f.read())
write("fuzz_config", """database:
  connect_url: "host=127.0.0.1 user=u password='s e\\\\'cret' dbname=db sslmode=verify-full"
  slot_name: ${SLOT:-popyka_${A}}
  wal2json_options: {add-tables: "public.*", include-lsn: true}
  status_interval_s: 2.5
  reconnect_initial_s: 1
  reconnect_max_s: ${MAX-30}
metrics: {listen: "127.0.0.1:9187"}
filters: []
processors:
  - class: popyka.builtin.processors.ProduceToKafkaProcessor
    filters: [{class: f, config: {x: $A}}]
    error_handlers: [{class: popyka.builtin.error_handlers.RetryProcessor}]
    config:
      topic: "t-${EMPTY:-e}-${EMPTY-u}-$$-${A:-${B:-${C-c}}}"
      producer_config: {"sasl.password": "${PASSWORD:-hunter2}", "security.protocol": SASL_SSL, "ssl.key.password": x}
""")
write("fuzz_config", "database: {connect_url: $POPYKA_DB_DSN, slot_name: s}\nfilters: ~\nprocessors: [{class: p, config: {n: 1e3, b: yes, l: [1, {a: b}]}}]\n")


# pgoutput (protocol version 1): a transaction's messages, framed as above, as PostgreSQL 15's
# proto.c writes them.
def cstr(text):
    return text.encode() + b"\0"


def tuple_data(*values):
    out = struct.pack(">h", len(values))
    for value in values:
        if value is None:
            out += b"n"
        elif value == "<unchanged>":
            out += b"u"
        else:
            out += b"t" + struct.pack(">i", len(value.encode())) + value.encode()
    return out


relation = (b"R" + struct.pack(">i", 16400) + cstr("public") + cstr("t") + b"d" + struct.pack(">h", 3)
            + b"\1" + cstr("id") + struct.pack(">ii", 24, -1) + b"\0" + cstr("note") + struct.pack(">ii", 25, -1)
            + b"\0" + cstr("ok") + struct.pack(">ii", 27, -1))
pgoutput = [
    b"B" + struct.pack(">qqi", 0x1000, 757000000000000, 732),
    relation,
    b"I" + struct.pack(">i", 16400) + b"N" + tuple_data("1", "a \"q\"\n", "t"),
    b"U" + struct.pack(">i", 16400) + b"O" + tuple_data("1", "old", "t") + b"N" + tuple_data("2", "<unchanged>", None),
    b"D" + struct.pack(">i", 16400) + b"K" + tuple_data("2", None, None),
    b"T" + struct.pack(">ib", 1, 0) + struct.pack(">i", 16400),
    b"Y" + struct.pack(">i", 70001) + cstr("app") + cstr("mood"),
    b"M" + b"\1" + struct.pack(">q", 0x1100) + cstr("pfx") + struct.pack(">i", 3) + b"a\0b",
    b"C" + b"\0" + struct.pack(">qqq", 0x1100, 0x1200, 757000000000000),
]
write("fuzz_pgoutput_decoder", b"".join(frame(m) for m in pgoutput))
for message in pgoutput[2:5]:
    write("fuzz_pgoutput_decoder", frame(pgoutput[0]) + frame(relation) + frame(message))
