"""A fake OpenAI-compatible chat endpoint on 127.0.0.1 for the LLM-writer tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeEndpoint:
    """What the fake server answers next, and every request it received."""

    url: str
    status: int = 200
    body: bytes = b""
    requests: list[dict[str, Any]] = field(default_factory=list)

    def reply(self, content: str) -> None:
        """Answer the next request with a chat completion whose message is content."""
        choice = {"index": 0, "message": {"role": "assistant", "content": content}}
        self.status, self.body = (
            200,
            json.dumps({"object": "chat.completion", "choices": [choice]}).encode(),
        )


def _handler(endpoint: FakeEndpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            endpoint.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "json": json.loads(self.rfile.read(length)),
                }
            )
            self.send_response(endpoint.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(endpoint.body)))
            self.end_headers()
            self.wfile.write(endpoint.body)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

    return Handler


@contextmanager
def serving(fake: FakeEndpoint) -> Iterator[FakeEndpoint]:
    """Serve ``fake`` on an ephemeral localhost port (its ``url`` set) until the block ends."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
