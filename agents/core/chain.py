"""The hash chain of a breadcrumb log: what makes a log tamper-evident.

Every line carries `prev`, the sha256 of the previous line's exact bytes (the first line of a run
carries the hash of the run's genesis, `run:<run_id>`), so deleting, inserting, reordering or
editing a line breaks the link after it. With a key (settings.log_key) each line also ends with
`hmac`, HMAC-SHA256 over the line's bytes without that field; as each line's bytes include `prev`,
the MACs chain too. Without a key the chain proves integrity against accidental or partial edits:
anyone can recompute sha256 and rewrite a whole run consistently. With a key it proves authorship:
only a holder of the key can write lines the audit accepts.
"""
from __future__ import annotations

import hashlib
import hmac as hmac_mod
import re

HMAC_FIELD = "hmac"
_HMAC_TAIL = re.compile(rb', "hmac": "([0-9a-f]{64})"\}$')


def line_hash(line: bytes) -> str:
    """The link to `line` that the next line stores as `prev`."""
    return hashlib.sha256(line).hexdigest()


def genesis(run_id: str) -> str:
    """`prev` of a run's first line."""
    return line_hash(f"run:{run_id}".encode("utf-8"))


def mac(key: bytes, body: bytes) -> str:
    return hmac_mod.new(key, body, hashlib.sha256).hexdigest()


def sign(key: bytes, line: bytes) -> bytes:
    """A rendered JSON object line with the `hmac` field appended as its last key."""
    assert line.endswith(b"}")
    return line[:-1] + f', "{HMAC_FIELD}": "{mac(key, line)}"}}'.encode("ascii")


def split_signature(line: bytes) -> tuple[bytes, str | None]:
    """(the line as it was signed, its hmac) or (line, None) when it carries none."""
    m = _HMAC_TAIL.search(line)
    if m is None:
        return line, None
    return line[:m.start()] + b"}", m.group(1).decode("ascii")


def verify(key: bytes, line: bytes) -> bool:
    body, tag = split_signature(line)
    return tag is not None and hmac_mod.compare_digest(tag, mac(key, body))
