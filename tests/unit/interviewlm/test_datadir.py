"""Each worker claims its own table directory; a restart takes its own back."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from interviewlm.app import create_app
from interviewlm.datadir import DataDirInUse, claim_data_dir
from runtime.settings import Settings


def test_two_workers_on_one_host_get_two_directories(tmp_path: Path) -> None:
    first = claim_data_dir(tmp_path, "grp")
    second = claim_data_dir(tmp_path, "grp")
    assert first.path == tmp_path / "grp" / "worker-0"
    assert second.path == tmp_path / "grp" / "worker-1"
    first.release()
    # the first one restarts: it gets its own directory back, not a third one
    again = claim_data_dir(tmp_path, "grp")
    assert again.path == first.path
    again.release()
    second.release()


def test_apps_are_apart(tmp_path: Path) -> None:
    a, b = claim_data_dir(tmp_path, "interview"), claim_data_dir(tmp_path, "evaluation")
    assert a.path.parent != b.path.parent
    a.release()
    b.release()


def test_a_group_instance_id_names_the_directory_and_is_refused_twice(tmp_path: Path) -> None:
    claim = claim_data_dir(tmp_path, "grp", "interview-0")
    assert claim.path == tmp_path / "grp" / "interview-0"
    with pytest.raises(DataDirInUse, match="interview-0"):
        claim_data_dir(tmp_path, "grp", "interview-0")
    claim.release()
    claim_data_dir(tmp_path, "grp", "interview-0").release()


def test_a_killed_worker_leaves_its_directory_free(tmp_path: Path) -> None:
    """The kernel drops the lock with the process, even on SIGKILL."""
    code = textwrap.dedent(f"""
        import os, signal, sys
        from pathlib import Path
        from interviewlm.datadir import claim_data_dir
        claim = claim_data_dir(Path({str(tmp_path)!r}), "grp")
        print(claim.path, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[3], timeout=60)
    assert result.returncode == -9, result.stderr
    assert result.stdout.strip() == str(tmp_path / "grp" / "worker-0")
    claim = claim_data_dir(tmp_path, "grp")
    assert claim.path == tmp_path / "grp" / "worker-0"
    claim.release()


def test_the_app_keeps_tables_in_its_claimed_directory(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, app_id="grp", kafka_group_instance_id="pod-1",
                        table_standby_replicas=2)
    app = create_app(settings, agents=["interview"])
    assert settings.table_store == "rocksdb://"
    assert app.conf.store.scheme == "rocksdb"
    assert Path(app.conf.datadir) == tmp_path / "grp" / "pod-1"
    assert app.conf.table_standby_replicas == 2
    assert app.conf.consumer_group_instance_id == "pod-1"
    with pytest.raises(DataDirInUse):
        create_app(settings, agents=["interview"])
