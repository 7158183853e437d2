"""Downloading a row's image from an http(s) URL with separate connect and read timeouts."""

import http.client
import socket
import time
from urllib.parse import quote, urljoin, urlsplit

from catalog.imports.sources import RowError

_MAX_REDIRECTS = 3
_CHUNK_BYTES = 64 * 1024
_USER_AGENT = "Lookalike-catalogue-import/1"


def image_fetch(*, url: str, connect_timeout_s: float, read_timeout_s: float, max_bytes: int) -> bytes:
    """The body of `url`, following up to 3 redirects, or RowError with what went wrong."""
    for _ in range(_MAX_REDIRECTS + 1):
        try:
            parts = urlsplit(url)
            port = parts.port
            path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe="/?&=%:@!$'()*+,;~-._")
        except ValueError as error:
            raise RowError(f"image URL {url!r} is not a valid URL ({error}).") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RowError(f"image URL {url!r} is not an http(s) URL.")
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(parts.hostname, port, timeout=connect_timeout_s)
        try:
            try:
                connection.connect()
                # The connect timeout only covers reaching the server; reads get their own.
                connection.sock.settimeout(read_timeout_s)
                connection.request("GET", path, headers={"User-Agent": _USER_AGENT, "Accept": "image/*"})
                response = connection.getresponse()
                if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                    url = urljoin(url, response.getheader("Location"))
                    continue
                if response.status != 200:
                    raise RowError(f"image URL {url!r} answered HTTP {response.status}.")
                return _body_read(response, url=url, max_bytes=max_bytes, read_timeout_s=read_timeout_s)
            except RowError:
                raise
            except (TimeoutError, socket.timeout):
                raise RowError(f"image URL {url!r} timed out.") from None
            except (OSError, http.client.HTTPException, UnicodeError, ValueError) as error:
                raise RowError(f"image URL {url!r} could not be fetched ({error}).") from None
        finally:
            connection.close()
    raise RowError(f"image URL {url!r} redirected more than {_MAX_REDIRECTS} times.")


def _body_read(response, *, url: str, max_bytes: int, read_timeout_s: float) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise RowError(f"image URL {url!r} is {int(length) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB.")
    # The read timeout bounds each read; this bounds a server trickling bytes forever.
    deadline = time.monotonic() + read_timeout_s * 4
    chunks, received = [], 0
    while chunk := response.read(_CHUNK_BYTES):
        received += len(chunk)
        if received > max_bytes:
            raise RowError(f"image URL {url!r} is larger than the {max_bytes / 1e6:.1f} MB limit.")
        if time.monotonic() > deadline:
            raise RowError(f"image URL {url!r} timed out.")
        chunks.append(chunk)
    return b"".join(chunks)
