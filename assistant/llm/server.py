"""llama.cpp's OpenAI-compatible server, run in-process through xllamacpp on a loopback port.

``xllamacpp.Server(params)`` loads the model and starts llama.cpp's HTTP server on its own
threads; the constructor returns once the model is loaded. There is no ``stop`` method: the C++
destructor (run when the last Python reference goes) terminates the loop and closes the port.
"""

from __future__ import annotations

import atexit
import gc
import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

from assistant.llm.queue import LLMQueue
from because.errors import LanguageModelError


class EmbeddedServer:
    """One local GGUF served at ``base_url`` (``http://127.0.0.1:<free port>/v1``).

    ``n_ctx_per_slot`` tokens of context for each of ``n_parallel`` concurrent sessions; the KV
    cache holds ``n_ctx_per_slot * n_parallel`` tokens. Prompt caching is on, so a stable prompt
    prefix is read only once per slot. ``queue`` lets ``queue_slots`` chat requests run at once
    (one by default: two cores serve one request best) and takes sessions in turn.

    ``lookup_ngram`` = (n, m) turns on prompt-lookup speculative decoding: when the last ``n`` tokens
    also occur earlier in the context, the ``m`` tokens that followed there are proposed as a draft and
    checked in one batch. The explanation prompt hands the model a draft to polish, so most of its answer
    repeats text already in the prompt: on 2 cores this cut an explanation's median time from 8.6 s to
    5.6 s (BENCHMARKS.md). Sampling still decides every token, so the answers keep their distribution.
    ``None`` turns it off.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        alias: str = "local",
        n_ctx_per_slot: int = 4096,
        n_parallel: int = 2,
        n_threads: int = 2,
        host: str = "127.0.0.1",
        start_timeout_s: float = 120.0,
        verbosity: int = 0,
        queue_slots: int = 1,
        lookup_ngram: tuple[int, int] | None = (2, 32),
    ) -> None:
        self.model_path = Path(model_path)
        self.alias = alias
        self.n_ctx_per_slot = n_ctx_per_slot
        self.n_parallel = n_parallel
        self.n_threads = n_threads
        self.host = host
        self.start_timeout_s = start_timeout_s
        self.verbosity = verbosity
        self.lookup_ngram = lookup_ngram
        self.queue = LLMQueue(slots=queue_slots)  # chat models of this server take turns here
        self._server: Any = None
        self._address: str | None = None
        self._lock = threading.Lock()

    # -- life cycle -------------------------------------------------------------------------

    def _params(self) -> Any:
        import xllamacpp  # imported here: loading the native library is not free

        params = xllamacpp.CommonParams()
        params.model.path = str(self.model_path)
        params.model_alias = {self.alias}
        params.hostnames = [self.host]
        params.port = 0  # llama.cpp binds a free port; read it back from listening_address
        params.n_parallel = self.n_parallel
        params.n_ctx = self.n_ctx_per_slot * self.n_parallel  # split evenly over the slots
        params.kv_unified = False
        params.cpuparams.n_threads = self.n_threads
        params.cpuparams_batch.n_threads = self.n_threads
        params.cache_prompt = True
        params.warmup = True
        params.offline = True  # never fetch anything
        params.ui = False
        params.verbosity = self.verbosity
        if self.lookup_ngram is not None:
            n, m = self.lookup_ngram
            spec = params.speculative
            spec.types = [xllamacpp.common_speculative_type.COMMON_SPECULATIVE_TYPE_NGRAM_SIMPLE]
            spec.ngram_simple.size_n = n
            spec.ngram_simple.size_m = m
        return params

    def start(self) -> "EmbeddedServer":
        """Load the model and serve it; returns once ``/health`` answers ok. Idempotent."""
        with self._lock:
            if self._server is not None:
                return self
            if not self.model_path.is_file():
                raise LanguageModelError(f"model file {self.model_path} does not exist.")
            started = time.monotonic()
            try:
                server = _new_server(self._params())
            except (RuntimeError, ValueError) as err:
                raise LanguageModelError(
                    f"llama.cpp could not load {self.model_path}: {err}",
                    "check the file (ensure_model_file verifies it) and free memory.",
                ) from err
            self._server = server
            self._address = str(server.listening_address).rstrip("/")
            atexit.register(self.stop)
        remaining = self.start_timeout_s - (time.monotonic() - started)
        try:
            self.wait_healthy(max(remaining, 1.0))
        except LanguageModelError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Shut the server down and free its port (safe to call twice; runs at exit too)."""
        with self._lock:
            server, self._server, self._address = self._server, None, None
            atexit.unregister(self.stop)
        if server is not None:
            del server  # last reference: the C++ destructor stops the loop and joins it
            gc.collect()

    def __enter__(self) -> "EmbeddedServer":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- state ------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def address(self) -> str:
        """``http://127.0.0.1:<port>`` (no ``/v1``)."""
        if self._address is None:
            raise LanguageModelError("the embedded language model server is not running.", "call start().")
        return self._address

    @property
    def base_url(self) -> str:
        """OpenAI-compatible base URL, for ``ChatOpenAI(base_url=...)``."""
        return self.address + "/v1"

    @property
    def port(self) -> int:
        return int(self.address.rsplit(":", 1)[1])

    # -- checks -----------------------------------------------------------------------------

    def wait_healthy(self, timeout_s: float = 60.0) -> None:
        """Poll ``GET /health`` until it says ok; raise ``LanguageModelError`` after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        last = "no answer"
        while True:
            try:
                with urllib.request.urlopen(self.address + "/health", timeout=2.0) as response:
                    if json.loads(response.read()).get("status") == "ok":
                        return
                    last = f"HTTP {response.status}"
            except (urllib.error.URLError, OSError, ValueError) as err:
                last = str(err)
            if time.monotonic() >= deadline:
                raise LanguageModelError(
                    f"the embedded language model at {self.address} was not healthy after {timeout_s:.0f} s ({last}).",
                    "check memory and the model file, or raise start_timeout_s.",
                )
            time.sleep(0.2)

    def warm_up(self, timeout_s: float = 120.0) -> float:
        """Send one tiny chat request so the weights are paged in; returns its seconds."""
        body = json.dumps(
            {
                "messages": [{"role": "user", "content": "Hi"}],
                "max_tokens": 4,
                "temperature": 0,
                "cache_prompt": False,
            }
        ).encode()
        request = urllib.request.Request(
            self.base_url + "/chat/completions",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as err:
            raise LanguageModelError(f"warm-up request to {self.base_url} failed: {err}") from err
        return time.monotonic() - started


def _new_server(params: Any) -> Any:
    import xllamacpp

    return xllamacpp.Server(params)
