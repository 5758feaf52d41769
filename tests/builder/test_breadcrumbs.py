"""Breadcrumbs (agents/orchestration/breadcrumbs.py) on their own, in process: the exact line layout the
audit replays, the chain links, signing, and every BreadcrumbError with its message; a refused or failed
write must leave no gap in the sequence (else the audit would fail for good)."""
from __future__ import annotations

import json
import os
import re
import stat
import time
from datetime import datetime, timezone

import pytest

from agents.core import chain, settings
from agents.orchestration import breadcrumbs
from agents.orchestration.breadcrumbs import BreadcrumbError, Breadcrumbs

RUN_ID = re.compile(r"^\d{8}T\d{6}Z-(\d+)-[0-9a-f]{6}$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


@pytest.fixture(autouse=True)
def unsigned(monkeypatch):
    monkeypatch.delenv(settings.LOG_KEY_ENV, raising=False)


def lines(crumbs: Breadcrumbs) -> list[bytes]:
    return crumbs.path.read_bytes().splitlines()


def test_run_ids_and_timestamps_have_their_documented_shape():
    m = RUN_ID.match(breadcrumbs.new_run_id())
    assert m and int(m.group(1)) == os.getpid()
    assert breadcrumbs.new_run_id() != breadcrumbs.new_run_id()
    assert TIMESTAMP.match(breadcrumbs.utc_now())


@pytest.fixture
def far_from_utc(monkeypatch):
    """The process's local time zone 5 h 30 min away from UTC (restored afterwards)."""
    monkeypatch.setenv("TZ", "IST-05:30")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_run_ids_and_timestamps_are_in_utc_whatever_the_local_zone(far_from_utc):
    assert time.localtime().tm_gmtoff == 5 * 3600 + 1800
    before = datetime.now(timezone.utc)
    stamp = datetime.strptime(breadcrumbs.new_run_id()[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    logged = datetime.fromisoformat(breadcrumbs.utc_now().replace("Z", "+00:00"))
    after = datetime.now(timezone.utc)
    # Within the seconds this test takes, not 5.5 hours off: the stamps are UTC, as their "Z" says.
    assert before.replace(microsecond=0) <= stamp <= after and before <= logged <= after


def test_each_line_has_its_fields_in_order_and_links_to_the_one_before(tmp_path):
    crumbs = Breadcrumbs(tmp_path / "logs", "copy_op", "20261126T080000Z-1-abcdef")
    assert crumbs.path == tmp_path / "logs" / "20261126T080000Z-1-abcdef.jsonl" and not crumbs.path.exists()
    assert crumbs.signed is False
    first = crumbs.emit("phase_started", "spec", "builtin", force=True, depends_on=[])
    second = crumbs.emit("error", "spec", "builtin", message="boom")
    crumbs.close()
    raw = lines(crumbs)
    assert len(raw) == 2
    assert first == {"file": crumbs.path.name, "seq": 1, "sha256": chain.line_hash(raw[0])}
    assert second == {"file": crumbs.path.name, "seq": 2, "sha256": chain.line_hash(raw[1])}
    a, b = json.loads(raw[0]), json.loads(raw[1])
    assert list(a) == ["timestamp", "run_id", "seq", "pid", "op", "phase", "agent", "event", "force",
                       "depends_on", "prev"]
    assert (a["run_id"], a["seq"], a["pid"], a["op"], a["phase"], a["agent"], a["event"], a["force"]) == (
        "20261126T080000Z-1-abcdef", 1, os.getpid(), "copy_op", "spec", "builtin", "phase_started", True)
    assert TIMESTAMP.match(a["timestamp"])
    assert a["prev"] == chain.genesis("20261126T080000Z-1-abcdef")
    assert (b["seq"], b["event"], b["message"], b["prev"]) == (2, "error", "boom", first["sha256"])
    assert raw[0].startswith(b'{"timestamp": ') and b"hmac" not in raw[0]


def test_a_refused_breadcrumb_is_not_written_and_leaves_no_gap(tmp_path):
    crumbs = Breadcrumbs(tmp_path, "copy_op")
    with pytest.raises(BreadcrumbError, match=r"^refusing to log an invalid breadcrumb: .*'no_such_event'"):
        crumbs.emit("no_such_event", "spec", "builtin")
    with pytest.raises(BreadcrumbError) as info:
        crumbs.emit("phase_completed", "nowhere", "builtin")  # a bad phase and missing fields: several issues
    message = str(info.value)
    assert message.startswith(f"refusing to log an invalid breadcrumb: {crumbs.path}: ")
    assert f"; {crumbs.path}: " in message
    assert not crumbs.path.exists()
    where = crumbs.emit("error", "spec", "builtin", message="m")
    [line] = lines(crumbs)
    assert where["seq"] == 1 and json.loads(line)["prev"] == chain.genesis(crumbs.run_id)


def test_a_failed_write_names_the_log_and_leaves_no_gap(tmp_path):
    blocker = tmp_path / "logs"
    blocker.write_text("a file where the log folder should be")
    crumbs = Breadcrumbs(blocker / "copy_op", "copy_op")
    with pytest.raises(BreadcrumbError,
                       match=rf"^cannot write the breadcrumb log {re.escape(str(crumbs.path))}: Not a directory$"):
        crumbs.emit("error", "spec", "builtin", message="m")
    blocker.unlink()
    where = crumbs.emit("error", "spec", "builtin", message="m")
    assert where["seq"] == 1 and json.loads(lines(crumbs)[0])["prev"] == chain.genesis(crumbs.run_id)


def test_a_short_append_is_an_error_naming_the_byte_counts(tmp_path, monkeypatch):
    crumbs = Breadcrumbs(tmp_path, "copy_op")
    monkeypatch.setattr(breadcrumbs.os, "write", lambda fd, data: 3)
    with pytest.raises(BreadcrumbError) as info:
        crumbs.emit("error", "spec", "builtin", message="m")
    message = str(info.value)
    monkeypatch.undo()
    assert crumbs.emit("error", "spec", "builtin", message="m")["seq"] == 1
    [line] = lines(crumbs)  # the same event again: same length (fixed-width stamp, same seq, pid and prev)
    assert message == f"{crumbs.path}: short append (3 of {len(line) + 1} bytes); the disk may be full"


def test_lines_are_appended_to_what_the_file_holds_with_mode_644(tmp_path):
    old = os.umask(0o022)
    try:
        crumbs = Breadcrumbs(tmp_path / "deep" / "logs", "copy_op")
        crumbs.path.parent.mkdir(parents=True)
        crumbs.path.write_bytes(b"earlier\n")
        os.chmod(crumbs.path, 0o600)
        crumbs.emit("error", "spec", "builtin", message="m")
        fresh = Breadcrumbs(tmp_path / "deep" / "logs", "copy_op")
        fresh.emit("error", "spec", "builtin", message="m")
    finally:
        os.umask(old)
    assert lines(crumbs)[0] == b"earlier" and len(lines(crumbs)) == 2
    assert stat.S_IMODE(fresh.path.stat().st_mode) == 0o644


def test_close_lets_go_of_the_file_and_a_later_event_reopens_it(tmp_path):
    crumbs = Breadcrumbs(tmp_path, "copy_op")
    crumbs.emit("error", "spec", "builtin", message="m")
    fd = crumbs._sink._fd
    crumbs.close()
    assert crumbs._sink._fd is None
    with pytest.raises(OSError):
        os.fstat(fd)
    crumbs.close()
    crumbs.emit("error", "spec", "builtin", message="n")
    assert [json.loads(x)["seq"] for x in lines(crumbs)] == [1, 2]


def test_with_a_key_every_line_is_signed_and_verifies(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.LOG_KEY_ENV, "s3cret")
    crumbs = Breadcrumbs(tmp_path, "copy_op")
    assert crumbs.signed is True
    first = crumbs.emit("error", "spec", "builtin", message="m")
    crumbs.emit("error", "spec", "builtin", message="n")
    raw = lines(crumbs)
    assert all(chain.verify(b"s3cret", line) for line in raw)
    assert not chain.verify(b"other", raw[0])
    assert list(json.loads(raw[0]))[-2:] == ["prev", "hmac"]
    assert first["sha256"] == chain.line_hash(raw[0]) == json.loads(raw[1])["prev"]  # the link covers the tag


def test_check_writable_names_a_folder_it_cannot_create(tmp_path):
    (tmp_path / "logs").write_text("a file")
    crumbs = Breadcrumbs(tmp_path / "logs" / "copy_op", "copy_op")
    with pytest.raises(BreadcrumbError,
                       match=rf"^cannot create the log folder {re.escape(str(crumbs.path.parent))}: Not a directory$"):
        crumbs.check_writable()
    ok = Breadcrumbs(tmp_path / "fine" / "copy_op", "copy_op")
    ok.check_writable()
    ok.check_writable()  # a folder that exists already is fine
    assert ok.path.parent.is_dir() and not ok.path.exists()


def test_check_writable_names_a_folder_it_may_not_write(tmp_path, monkeypatch):
    crumbs = Breadcrumbs(tmp_path / "logs", "copy_op")
    seen = []

    def no_write(path, mode):
        seen.append(mode)
        return False
    monkeypatch.setattr(breadcrumbs.os, "access", no_write)
    folder = re.escape(str(tmp_path / "logs"))
    with pytest.raises(BreadcrumbError, match=rf"^cannot write to the log folder {folder}: permission denied$"):
        crumbs.check_writable()
    assert seen == [os.W_OK | os.X_OK]
