import pytest
from django.contrib.auth import get_user_model

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_user_logs_into_the_admin_and_sees_products(live_server, page):
    get_user_model().objects.create_superuser("staff", "staff@example.com", "correct horse")

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", "correct horse")
    page.click("input[type=submit]")
    page.click("text=Products")

    assert page.locator("#content h1").inner_text() == "Select product to change"
