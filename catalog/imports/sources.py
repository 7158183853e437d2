"""Opening an import file: a ZIP (manifest + images) or a bare CSV/JSONL manifest.

Everything about the file as a whole is checked here, before any row is imported: size,
member count, uncompressed total, and member paths (zip-slip, symlinks, nested archives).
Such a file is refused with ImportRejected; a problem with one row is a RowError.
"""

import csv
import io
import json
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MANIFEST_NAMES = ("products.csv", "products.jsonl")
_NESTED_ARCHIVE_SUFFIXES = (".zip", ".jar", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".zst", ".7z", ".rar")
_ZIP_ENCRYPTED_FLAG = 0x1


class ImportRejected(ValueError):
    """The whole file is refused; nothing was imported."""


class RowError(ValueError):
    """One row is refused; the rest of the import goes on."""


@dataclass(frozen=True)
class ImportLimits:
    archive_bytes: int
    uncompressed_bytes: int
    members: int
    rows: int
    image_bytes: int


@dataclass(frozen=True)
class RawRow:
    # Line in the manifest as a spreadsheet or editor shows it (a CSV header is line 1).
    line: int
    values: dict | None
    error: str = ""


class ImportSource:
    """A manifest's rows plus, for a ZIP, the images it carries."""

    def __init__(self, *, manifest_name: str, manifest: bytes, archive: zipfile.ZipFile | None, limits: ImportLimits):
        self.manifest_name = manifest_name
        self._manifest = manifest
        self._archive = archive
        self._limits = limits

    @property
    def is_archive(self) -> bool:
        return self._archive is not None

    def rows(self) -> list[RawRow]:
        try:
            text = self._manifest.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportRejected(f"{self.manifest_name} is not UTF-8 text ({error}).") from None
        reader = _csv_rows if self.manifest_name.endswith(".csv") else _jsonl_rows
        rows = []
        for row in reader(text, manifest_name=self.manifest_name):
            rows.append(row)
            if len(rows) > self._limits.rows:
                raise ImportRejected(f"{self.manifest_name} has more than {self._limits.rows} rows, the limit per import.")
        return rows

    def image_read(self, *, path: str) -> bytes:
        """The bytes of an archive member named by a row, or RowError."""
        if self._archive is None:
            raise RowError(f"image {path!r} is not an http(s) URL, and a manifest outside a ZIP has no files to refer to.")
        name = str(PurePosixPath(path.strip().removeprefix("./")))
        try:
            info = self._archive.getinfo(name)
        except KeyError:
            raise RowError(f"image {path!r} is not in the archive.") from None
        if info.file_size > self._limits.image_bytes:
            raise RowError(f"image {path!r} is {info.file_size / 1e6:.1f} MB; the limit is {self._limits.image_bytes / 1e6:.1f} MB.")
        with self._archive.open(info) as member:
            # The header's size can lie; never read more than the limit allows.
            data = member.read(self._limits.image_bytes + 1)
        if len(data) > self._limits.image_bytes:
            raise RowError(f"image {path!r} is larger than the {self._limits.image_bytes / 1e6:.1f} MB limit.")
        return data

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()


def import_source_open(*, path: Path, name: str, limits: ImportLimits) -> ImportSource:
    size = path.stat().st_size
    if size > limits.archive_bytes:
        raise ImportRejected(f"The file is {size / 1e6:.1f} MB; the limit is {limits.archive_bytes / 1e6:.1f} MB.")
    if zipfile.is_zipfile(path):
        return _zip_open(path=path, limits=limits)
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise ImportRejected(f"{name!r} is not a ZIP, CSV or JSONL file.")
    manifest_name = "products.csv" if suffix == ".csv" else "products.jsonl"
    return ImportSource(manifest_name=manifest_name, manifest=path.read_bytes(), archive=None, limits=limits)


def _zip_open(*, path: Path, limits: ImportLimits) -> ImportSource:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportRejected(f"The ZIP archive cannot be read ({error}).") from None
    try:
        members = archive.infolist()
        if len(members) > limits.members:
            raise ImportRejected(f"The archive holds {len(members)} files; the limit is {limits.members}.")
        uncompressed = sum(info.file_size for info in members)
        if uncompressed > limits.uncompressed_bytes:
            raise ImportRejected(
                f"The archive unpacks to {uncompressed / 1e6:.1f} MB; the limit is {limits.uncompressed_bytes / 1e6:.1f} MB."
            )
        for info in members:
            _member_check(info)
        names = {info.filename for info in members}
        manifests = [name for name in MANIFEST_NAMES if name in names]
        if not manifests:
            raise ImportRejected("The archive has no products.csv or products.jsonl at its top level.")
        if len(manifests) > 1:
            raise ImportRejected("The archive has both products.csv and products.jsonl; keep one.")
        info = archive.getinfo(manifests[0])
        manifest = archive.read(info)
    except ImportRejected:
        archive.close()
        raise
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        archive.close()
        raise ImportRejected(f"The ZIP archive is corrupt ({error}).") from None
    return ImportSource(manifest_name=manifests[0], manifest=manifest, archive=archive, limits=limits)


def _member_check(info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts:
        raise ImportRejected(f"The archive member {name!r} points outside the archive (zip-slip); the file is refused.")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ImportRejected(f"The archive member {name!r} is a symbolic link; links are not allowed.")
    if name.lower().endswith(_NESTED_ARCHIVE_SUFFIXES):
        raise ImportRejected(f"The archive member {name!r} is itself an archive; nested archives are not supported.")
    if info.flag_bits & _ZIP_ENCRYPTED_FLAG:
        raise ImportRejected(f"The archive member {name!r} is encrypted; encrypted archives are not supported.")


def _csv_rows(text: str, *, manifest_name: str) -> Iterator[RawRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRejected(f"{manifest_name} is empty.") from None
    except csv.Error as error:
        raise ImportRejected(f"{manifest_name} header is not valid CSV ({error}).") from None
    columns = [column.strip().lower() for column in header]
    _columns_check(columns, manifest_name=manifest_name)
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield RawRow(line=reader.line_num, values=None, error=f"not valid CSV ({error})")
            continue
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(columns):
            yield RawRow(line=reader.line_num, values=None, error=f"{len(values)} values for {len(columns)} columns")
            continue
        yield RawRow(line=reader.line_num, values=dict(zip(columns, values)))


def _jsonl_rows(text: str, *, manifest_name: str) -> Iterator[RawRow]:
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values = json.loads(line)
        except json.JSONDecodeError as error:
            yield RawRow(line=line_number, values=None, error=f"not valid JSON ({error.msg} at column {error.colno})")
            continue
        if not isinstance(values, dict):
            yield RawRow(line=line_number, values=None, error="not a JSON object")
            continue
        yield RawRow(line=line_number, values={str(key).strip().lower(): value for key, value in values.items()})


def _columns_check(columns: list[str], *, manifest_name: str) -> None:
    missing = [column for column in ("sku", "title") if column not in columns]
    if missing:
        raise ImportRejected(f"{manifest_name} lacks the required column(s): {', '.join(missing)}.")
    duplicated = sorted({column for column in columns if columns.count(column) > 1})
    if duplicated:
        raise ImportRejected(f"{manifest_name} repeats the column(s): {', '.join(duplicated)}.")
