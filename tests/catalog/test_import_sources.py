import io
import stat
import zipfile
from decimal import Decimal

import pytest

from catalog.imports.rows import ProductRow, product_row_parse
from catalog.imports.sources import ImportLimits, ImportRejected, RowError, import_source_open
from tests.conftest import FIXTURES
from tests.support.catalogue import catalogue_zip, image_bytes, product_rows

LIMITS = ImportLimits(archive_bytes=10_000_000, uncompressed_bytes=10_000_000, members=100, rows=100, image_bytes=100_000)


def _rows_or_errors(path, name=None):
    source = import_source_open(path=path, name=name or path.name, limits=LIMITS)
    results = []
    for raw in source.rows():
        if raw.values is None:
            results.append((raw.line, raw.error))
            continue
        try:
            results.append((raw.line, product_row_parse(line=raw.line, values=raw.values)))
        except RowError as error:
            results.append((raw.line, str(error)))
    return results


def test_csv_rows_parse_with_unknown_columns_in_attributes_and_each_bad_row_explained():
    results = _rows_or_errors(FIXTURES / "imports" / "products.csv")

    assert results == [
        (2, ProductRow(line=2, sku="MUG-1", title="Blue mug", description="A blue mug", category="mug", brand="Acme",
                       price=Decimal("12.50"), currency="EUR", image="images/mug.jpg",
                       attributes={"colour": "blue", "material": "stoneware"})),
        (3, ProductRow(line=3, sku="BAG-1", title="Red bag", category="bag", brand="Acme",
                       attributes={"colour": "red", "material": "leather"})),
        (4, "sku is required."),
        (5, "title is required."),
        (6, "price 'twelve' is not a number."),
        (7, "price '1.005' has more than 2 decimal places."),
        (8, "price '-1' must be zero or more."),
        (9, "currency 'EURO' is not a three-letter ISO 4217 code."),
        (10, "11 values for 10 columns"),
        (11, ProductRow(line=11, sku="MUG-1", title="Blue mug again", attributes={"colour": "", "material": ""})),
    ]


def test_jsonl_rows_parse_by_line_number_keeping_json_attributes():
    results = _rows_or_errors(FIXTURES / "imports" / "products.jsonl")

    assert results == [
        (1, ProductRow(line=1, sku="MUG-1", title="Blue mug", price=Decimal("12.50"), image="images/mug.jpg",
                       attributes={"colour": "blue", "sizes": [1, 2]})),
        (3, ProductRow(line=3, sku="BAG-1", title="Red bag", price=Decimal("7.00"))),
        (4, "not valid JSON (Expecting value at column 1)"),
        (5, "not a JSON object"),
        (6, "title must be text, got dict."),
        (7, "price True is not a number."),
    ]


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (b"", "products.csv is empty."),
        (b"sku,name\nA,B\n", "products.csv lacks the required column(s): title."),
        (b"sku,title,title\nA,B,C\n", "products.csv repeats the column(s): title."),
        (b"\xff\xfe\x00bad", "products.csv is not UTF-8 text"),
    ],
)
def test_a_bad_csv_header_rejects_the_file(tmp_path, manifest, message):
    path = tmp_path / "products.csv"
    path.write_bytes(manifest)

    with pytest.raises(ImportRejected) as rejected:
        import_source_open(path=path, name=path.name, limits=LIMITS).rows()

    assert str(rejected.value).startswith(message)


def test_more_rows_than_the_limit_rejects_the_file(tmp_path):
    path = tmp_path / "products.csv"
    path.write_text("sku,title\n" + "".join(f"S{n},T\n" for n in range(101)))

    with pytest.raises(ImportRejected, match=r"^products.csv has more than 100 rows, the limit per import.$"):
        import_source_open(path=path, name=path.name, limits=LIMITS).rows()


def test_a_file_that_is_neither_zip_csv_nor_jsonl_is_rejected(tmp_path):
    path = tmp_path / "catalogue.xlsx"
    path.write_bytes(b"not a zip")

    with pytest.raises(ImportRejected, match=r"^'catalogue.xlsx' is not a ZIP, CSV or JSONL file.$"):
        import_source_open(path=path, name=path.name, limits=LIMITS)


def _zip_with(tmp_path, *members: tuple[zipfile.ZipInfo | str, bytes]):
    path = tmp_path / "catalogue.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("products.csv", "sku,title,image\nA,B,a.jpg\n")
        for info, data in members:
            archive.writestr(info, data)
    return path


def _symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("../evil.jpg", "The archive member '../evil.jpg' points outside the archive (zip-slip); the file is refused."),
        ("/etc/evil.jpg", "The archive member '/etc/evil.jpg' points outside the archive (zip-slip); the file is refused."),
        ("images/..\\..\\evil.jpg", "The archive member 'images/..\\\\..\\\\evil.jpg' points outside the archive (zip-slip); the file is refused."),
        (_symlink("images/link.jpg"), "The archive member 'images/link.jpg' is a symbolic link; links are not allowed."),
        ("more/inner.zip", "The archive member 'more/inner.zip' is itself an archive; nested archives are not supported."),
        ("more/inner.tar.gz", "The archive member 'more/inner.tar.gz' is itself an archive; nested archives are not supported."),
    ],
)
def test_dangerous_archive_members_reject_the_whole_file(tmp_path, member, message):
    path = _zip_with(tmp_path, (member, b"x"))

    with pytest.raises(ImportRejected) as rejected:
        import_source_open(path=path, name="catalogue.zip", limits=LIMITS)

    assert str(rejected.value) == message


def test_archive_limits_reject_the_file_before_reading_it(tmp_path):
    path = _zip_with(tmp_path, *[(f"images/{n}.jpg", b"x" * 1000) for n in range(5)])
    size = path.stat().st_size

    def rejected_with(**limits) -> str:
        with pytest.raises(ImportRejected) as rejected:
            import_source_open(path=path, name="c.zip", limits=ImportLimits(**{**LIMITS.__dict__, **limits}))
        return str(rejected.value)

    assert rejected_with(archive_bytes=size - 1) == f"The file is {size / 1e6:.1f} MB; the limit is {(size - 1) / 1e6:.1f} MB."
    assert rejected_with(members=5) == "The archive holds 6 files; the limit is 5."
    assert rejected_with(uncompressed_bytes=4999) == "The archive unpacks to 0.0 MB; the limit is 0.0 MB."


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"images/a.jpg": b"x"}, "The archive has no products.csv or products.jsonl at its top level."),
        ({"products.csv": b"sku,title\n", "products.jsonl": b""}, "The archive has both products.csv and products.jsonl; keep one."),
    ],
)
def test_an_archive_needs_exactly_one_manifest(tmp_path, members, message):
    path = tmp_path / "c.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)

    with pytest.raises(ImportRejected, match=f"^{message}$"):
        import_source_open(path=path, name="c.zip", limits=LIMITS)


def test_archive_images_are_read_by_relative_path_with_a_size_limit(tmp_path):
    rows = product_rows(count=1)
    big = image_bytes(seed=1, size=(400, 400), image_format="PNG")
    path = catalogue_zip(tmp_path / "c.zip", rows=rows, extra={"images/big.png": big})
    source = import_source_open(path=path, name="c.zip", limits=ImportLimits(**{**LIMITS.__dict__, "image_bytes": len(big) - 1}))

    assert source.image_read(path="./images/00000.jpg") == image_bytes(seed=0)
    with pytest.raises(RowError, match=r"^image 'images/missing.jpg' is not in the archive.$"):
        source.image_read(path="images/missing.jpg")
    with pytest.raises(RowError, match=r"^image 'images/big.png' is 0\.\d MB; the limit is 0\.\d MB.$"):
        source.image_read(path="images/big.png")


def test_a_bare_manifest_cannot_name_local_files(tmp_path):
    path = tmp_path / "products.csv"
    path.write_text("sku,title,image\nA,B,images/a.jpg\n")
    source = import_source_open(path=path, name=path.name, limits=LIMITS)

    with pytest.raises(RowError, match="is not an http\\(s\\) URL, and a manifest outside a ZIP has no files to refer to"):
        source.image_read(path="images/a.jpg")


def test_a_corrupt_zip_is_rejected(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("products.csv", "sku,title\n")
    path = tmp_path / "c.zip"
    path.write_bytes(buffer.getvalue().replace(b"sku,title", b"sku,tXtle"))

    with pytest.raises(ImportRejected, match="^The ZIP archive is corrupt \\(Bad CRC-32 for file 'products.csv'\\).$"):
        import_source_open(path=path, name="c.zip", limits=LIMITS)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"sku": "A", "title": "t", "price": "1e40"}, "price '1e40' is too large."),
        ({"sku": "A", "title": "bad\x00title"}, "title contains a NUL character."),
        ({"sku": "A\x00", "title": "t"}, "sku contains a NUL character."),
    ],
)
def test_values_that_would_break_the_database_fail_their_row(values, message):
    with pytest.raises(RowError, match=message.replace("(", r"\(").replace(")", r"\)")):
        product_row_parse(line=2, values=values)
