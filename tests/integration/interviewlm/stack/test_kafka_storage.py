"""The local Kafka's storage is formatted whatever random cluster id is drawn: ids
never begin with "-" (about 1 in 64 random ones would), and the format command keeps
the id attached to its option even if one did."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviewlm.stack import StackInfo
from interviewlm.stack.kafka import KafkaBroker, ensure_jars, new_cluster_id
from tests.support.stack import local_test_stack
from tests.support.worker import free_port


@given(st.lists(st.binary(min_size=16, max_size=16), min_size=1, max_size=5))
def test_cluster_ids_never_begin_with_a_dash(draws: list[bytes]) -> None:
    dash = bytes([0xF8]) + bytes(15)  # encodes to "-AAAA..."
    source = iter([dash, *draws, bytes(16)])
    value = new_cluster_id(lambda n: next(source))
    assert not value.startswith("-")
    assert len(value) == 22 and len(base64.urlsafe_b64decode(value + "==")) == 16


def test_one_in_64_random_ids_would_have_begun_with_a_dash() -> None:
    firsts = {base64.urlsafe_b64encode(bytes([b]) + bytes(15)).decode()[0] for b in range(256)}
    assert "-" in firsts
    assert sum(base64.urlsafe_b64encode(bytes([b]) + bytes(15)).decode()[0] == "-"
               for b in range(256)) == 256 // 64


@pytest.mark.integration
def test_storage_formats_with_an_id_that_begins_with_a_dash(
        stack: StackInfo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The jars the suite's broker uses format a fresh directory with a "-" id."""
    import interviewlm.stack.kafka as kafka

    libs = ensure_jars(local_test_stack().root / "cache")
    monkeypatch.setattr(kafka, "new_cluster_id", lambda: "-" + "A" * 21)
    broker = KafkaBroker(tmp_path / "kafka", free_port(), free_port())
    broker._format(libs, broker._write_config())
    meta = (tmp_path / "kafka" / "data" / "meta.properties").read_text()
    assert "cluster.id=-AAAAAAAAAAAAAAAAAAAAA" in meta
