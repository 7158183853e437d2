import pytest

from tests.search.conftest import CATALOGUE, jpeg_bytes, picture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _lamp_photo(tmp_path):
    _, _, _, background, colour, shape = CATALOGUE[2]
    path = tmp_path / "lamp.jpg"
    path.write_bytes(jpeg_bytes(picture(background=background, colour=colour, shape=shape, size=(140, 100))))
    return path


def _titles(page) -> list[str]:
    return page.locator("#result-grid .title").all_inner_texts()


def test_uploading_a_photo_shows_results(live_server, page, catalogue, tmp_path):
    page.goto(live_server.url)
    page.set_input_files("#id_photo", str(_lamp_photo(tmp_path)))

    page.wait_for_selector("#result-grid")
    assert _titles(page)[0] == "Green desk lamp"
    assert page.is_visible("#preview")


def test_the_photo_preview_and_slider_stay_hidden_until_they_mean_something(live_server, page, tmp_path):
    page.goto(live_server.url)
    page.fill("#id_text", "yellow lamp")

    assert page.is_hidden("#preview")
    assert page.is_hidden("#id_weight")


def test_typing_text_shows_results(live_server, page, catalogue):
    page.goto(live_server.url)
    page.fill("#id_text", "yellow lamp")
    page.keyboard.press("Enter")

    page.wait_for_selector("#result-grid")
    assert len(_titles(page)) == 8


def test_moving_the_slider_changes_results_without_a_model_call(live_server, page, catalogue, model_calls, tmp_path):
    page.goto(live_server.url)
    page.fill("#id_text", "striped scarf")
    page.set_input_files("#id_photo", str(_lamp_photo(tmp_path)))
    page.wait_for_selector("#search-meta[data-cached='text:miss photo:miss ']")
    assert page.is_visible("#id_weight")

    page.locator("#id_weight").fill("0")  # fires input and change, as a keyboard move does
    page.wait_for_selector("#search-meta[data-cached='text:hit photo:hit ']")
    words_only = _titles(page)
    page.locator("#id_weight").fill("1")
    page.wait_for_function("document.querySelector('#result-grid .title').textContent === 'Green desk lamp'")

    assert words_only != _titles(page)
    assert model_calls == {"text": 1, "photo": 1}


def test_an_invalid_file_shows_the_error_message(live_server, page, fixture_bytes, tmp_path):
    not_a_photo = tmp_path / "list.jpg"
    not_a_photo.write_bytes(fixture_bytes("images/text.jpg"))
    page.goto(live_server.url)

    page.set_input_files("#id_photo", str(not_a_photo))

    assert page.locator("#search-error").inner_text() == "The file is not an image Lookalike can read (JPEG, PNG, GIF, WebP, BMP, TIFF)."


def test_the_page_fits_a_phone_screen(live_server, browser, catalogue):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    phone = context.new_page()
    phone.goto(f"{live_server.url}/?text=lamp")

    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.locator("#result-grid .card").count() == 8
    context.close()
