import pytest

from catalog.imports.fetch import image_fetch
from catalog.imports.sources import RowError


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.invalid:99999/a.jpg", "is not a valid URL"),
        ("http://[::1/a.jpg", "is not a valid URL"),
        ("ftp://example.invalid/a.jpg", "is not an http(s) URL"),
    ],
)
def test_malformed_image_urls_fail_their_row_with_a_message(url, message):
    with pytest.raises(RowError, match=message.replace("(", r"\(").replace(")", r"\)")):
        image_fetch(url=url, connect_timeout_s=0.2, read_timeout_s=0.2, max_bytes=1000)


def test_a_non_ascii_path_is_sent_percent_encoded(tmp_path):
    import http.server
    import threading

    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(RowError, match="answered HTTP 404"):
            image_fetch(url=f"http://127.0.0.1:{server.server_port}/tasse-caf\u00e9.jpg", connect_timeout_s=2, read_timeout_s=2, max_bytes=1000)
    finally:
        server.shutdown()
    assert seen == ["/tasse-caf%C3%A9.jpg"]
