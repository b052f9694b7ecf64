"""Server mode: a real `chroma run` subprocess reached through HttpClient, and a server that is down."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from because.errors import VectorStoreError
from because.settings import Settings
from vectorstore import IndexCounts, MiniLMEmbedding, open_store
from vectorstore.testing import small_catalogue


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def chroma_cli() -> str:
    beside = Path(sys.executable).parent / "chroma"
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        pytest.skip("the `chroma` command is not installed")
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Chroma server on a free loopback port; yields its URL."""
    path, port = tmp_path_factory.mktemp("chroma-server"), free_port()
    log = (path.parent / "chroma-server.log").open("w")
    proc = subprocess.Popen(
        [chroma_cli(), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={"ANONYMIZED_TELEMETRY": "False", "PATH": str(Path(sys.executable).parent)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                open_store(Settings(chroma_url=url)).client.heartbeat()
                break
            except VectorStoreError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"chroma run did not start: {(path.parent / 'chroma-server.log').read_text()[-2000:]}")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_index_and_search_through_a_server(server: str, tmp_path: Path) -> None:
    embedder = MiniLMEmbedding()
    st = open_store(Settings(home=tmp_path, chroma_url=server), "tiny-shop", embedder)
    assert st.location == server
    assert st.index_catalogue(small_catalogue(), progress=False) == IndexCounts(added=30)
    assert st.search("toys that come to life, a cowboy doll", k=1)[0].item == "1"
    westerns = st.search("a film", k=30, filters=["genres=Western", "runtime<100"])
    assert [h.item for h in westerns] == ["7"]
    again = open_store(Settings(home=tmp_path, chroma_url=server), "tiny-shop", embedder)
    assert again.index_catalogue(small_catalogue(), progress=False) == IndexCounts(unchanged=30)
    assert not (tmp_path / "chroma").exists()  # nothing written to the local folder in server mode


def test_a_down_server_says_where_and_how_to_start_it(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(VectorStoreError) as err:
        open_store(Settings(home=tmp_path, chroma_url=url))
    message = str(err.value)
    assert url in message
    assert "chroma run --path" in message and "--host 127.0.0.1" in message
    assert "unset BECAUSE_CHROMA_URL" in message
