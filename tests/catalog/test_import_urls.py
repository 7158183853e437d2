"""A manifest whose images are http(s) URLs, served by a local HTTP server (the only network mocked is none)."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.base import ContentFile

from catalog.models import Product
from catalog.services import import_job_create
from tests.support.catalogue import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


class _Images(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/img/"):
            self._send(200, image_bytes(seed=int(self.path.removeprefix("/img/").removesuffix(".jpg"))))
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/img/7.jpg")
            self.end_headers()
        elif self.path == "/slow":
            time.sleep(1)
            self._send(200, image_bytes(seed=1))
        elif self.path == "/big":
            self._send(200, b"\xff" * 5000)
        else:
            self._send(404, b"no")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def image_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Images)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_images_are_fetched_from_urls_and_each_unreachable_one_fails_its_row(image_server, settings):
    settings.IMPORT_FETCH_READ_TIMEOUT_S = 0.2
    settings.IMAGE_MAX_BYTES = 4000
    dead = f"http://127.0.0.1:{_closed_port()}/img/1.jpg"
    manifest = (
        "sku,title,image\n"
        f"A,Alpha,{image_server}/img/1.jpg\n"
        f"B,Beta,{image_server}/moved\n"
        f"C,Gamma,{image_server}/missing\n"
        f"D,Delta,{image_server}/slow\n"
        f"E,Epsilon,{image_server}/big\n"
        f"F,Zeta,{dead}\n"
        "G,Eta,ftp://example.com/a.jpg\n"
    )

    job = import_job_create(file=ContentFile(manifest.encode()), name="products.csv")

    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.failed, job.embedded) == ("done", 7, 2, 5, 2)
    failures = list(job.failures.values_list("row", "sku", "message"))
    assert failures[:3] + failures[4:] == [
        (4, "C", f"image URL '{image_server}/missing' answered HTTP 404."),
        (5, "D", f"image URL '{image_server}/slow' timed out."),
        (6, "E", f"image URL '{image_server}/big' is 0.0 MB; the limit is 0.0 MB."),
        (8, "G", "image 'ftp://example.com/a.jpg' is not an http(s) URL, and a manifest outside a ZIP has no files to refer to."),
    ]
    assert failures[3][:2] == (7, "F") and failures[3][2].startswith(f"image URL '{dead}' could not be fetched ([Errno 111] Connection refused")
    assert Product.objects.get(sku="B").image.read() == image_bytes(seed=7)
