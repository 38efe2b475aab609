"""A real HTTPS webhook receiver for the tests: its own certificate authority (made with the
openssl command at test time), a threaded http.server on 127.0.0.1, and a signature check
written here from the README's recipe, not imported from the webhooks app."""

from __future__ import annotations

import hashlib
import hmac
import json
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

RECEIVER_HOST = "receiver.example.test"  # only our fake resolver knows it: the real DNS cannot


@dataclass(frozen=True)
class Certificates:
    ca: Path
    cert: Path
    key: Path


def make_certificates(directory: Path) -> Certificates:
    """A throwaway authority and a server certificate it signed for RECEIVER_HOST."""

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl(
        "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=Webhook test authority",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=receiver")
    (directory / "server.ext").write_text(
        f"subjectAltName=DNS:{RECEIVER_HOST}\n"
        "basicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
    )
    openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext",
    )  # fmt: skip
    return Certificates(directory / "ca.pem", directory / "server.pem", directory / "server.key")


def independent_verify(secret: str, headers, body: bytes, now: float | None = None) -> bool:
    """The receiver's side, as the README tells an integrator to write it."""
    timestamp = headers.get("Webhook-Timestamp", "")
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > 300:
        return False
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    expected = "v1=" + mac.hexdigest()
    return any(
        hmac.compare_digest(expected, part) for part in headers.get("Webhook-Signature", "").split()
    )


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    port: int
    secret: str = ""
    answers: list = field(default_factory=list)  # status codes (or (code, headers)) to give
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/hook") -> str:
        return f"https://{RECEIVER_HOST}:{self.port}{path}"

    def next_answer(self) -> tuple[int, dict[str, str]]:
        with self.lock:
            answer = self.answers.pop(0) if self.answers else 200
        return answer if isinstance(answer, tuple) else (answer, {})


def start_receiver(certificates: Certificates) -> tuple[Receiver, ThreadingHTTPServer]:
    receiver_box: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            receiver = receiver_box[0]
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = dict(self.headers.items())
            with receiver.lock:
                receiver.received.append(
                    Received(
                        self.path, headers, body, independent_verify(receiver.secret, headers, body)
                    )
                )
            status, extra = receiver.next_answer()
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates.cert, certificates.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    receiver_box.append(Receiver(port=server.server_address[1]))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return receiver_box[0], server


# --- Fixtures shared by tests/test_webhooks*.py ----------------------------------------------

PUBLIC_HOST = "hooks.example.com"  # stands for any public receiver; never contacted
NAMES = {
    RECEIVER_HOST: ["127.0.0.1"],  # reachable only where WEBHOOK_ALLOWED_NETWORKS allows it
    PUBLIC_HOST: ["93.184.216.34"],
    "loopback.example.test": ["127.0.0.1"],
    "internal.example.test": ["10.0.0.7"],
    "metadata.example.test": ["169.254.169.254"],
    "mixed.example.test": ["93.184.216.34", "10.0.0.7"],
}


class FakeDNS:
    """What webhooks.ssrf.resolve answers in the tests; change `names` to rebind a host."""

    def __init__(self) -> None:
        self.names = {name: list(addresses) for name, addresses in NAMES.items()}
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        if host not in self.names:
            raise OSError(f"unknown host {host}")
        return self.names[host]


class TaskQueue:
    """django-tasks' DummyBackend holds what was enqueued; run() executes it as a worker would
    (the real task code), one task at a time, including the retries those tasks enqueue."""

    def __init__(self) -> None:
        from django_tasks import task_backends

        self.backend = task_backends["default"]

    @property
    def waiting(self):
        """The queued webhook deliveries (other apps' tasks, such as the benchmark refresh
        after a submit, are left alone)."""
        return [r for r in self.backend.results if r.task.name == "deliver_webhook"]

    def run_next(self):
        result = self.waiting[0]
        self.backend.results.remove(result)
        result.task.call(*result.args, **result.kwargs)
        return result

    def run(self, limit: int = 50) -> list:
        ran = []
        while self.waiting and len(ran) < limit:
            ran.append(self.run_next())
        return ran


@pytest.fixture
def dns(monkeypatch) -> FakeDNS:
    from webhooks import ssrf

    fake = FakeDNS()
    monkeypatch.setattr(ssrf, "resolve", fake)
    return fake


@pytest.fixture
def queue(settings) -> TaskQueue:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    queue = TaskQueue()
    queue.backend.clear()
    return queue


@pytest.fixture(scope="session")
def certificates(tmp_path_factory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("webhook-tls"))


@pytest.fixture
def receiver(settings, certificates, dns):
    """A running receiver, trusted (only) through WEBHOOK_CA_BUNDLE and reachable (only) through
    WEBHOOK_ALLOWED_NETWORKS, both test-only settings."""
    settings.WEBHOOK_CA_BUNDLE = str(certificates.ca)
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    receiver, server = start_receiver(certificates)
    yield receiver
    server.shutdown()
    server.server_close()
