"""Two-factor sign-in (TOTP) for staff and superusers: set-up, the code after the password on
our sign-in page and admin's, and the superuser requirement."""

from __future__ import annotations

import datetime
import re
import time
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, make_user, page_form
from tests.test_sign_in import ADMIN_LOGIN, LOGIN, sign_in

SETUP = "/accounts/two-factor/"
CODE = "/accounts/login/code/"


def code_for(device: TOTPDevice, step: int = 0) -> str:
    """The code the person's app shows now (step 0) or in the next 30-second step (1): a code
    is accepted once, so a second sign-in in the same half-minute uses the next one."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + step * device.step
    return f"{totp.token():0{device.digits}d}"


def enter_code(client: Client, code: str, path: str = CODE, next_page: str | None = None):
    page = client.get(path if next_page is None else f"{path}?next={quote(next_page)}")
    assert page.status_code == 200, page.status_code
    fields = page_form(page, "two-factor-form")
    return client.post(path, {**fields, "token": code})


def wait_out_the_code_throttle(device: TOTPDevice) -> None:
    """As if the person waited the seconds a wrong code costs (1, 2, 4, ...)."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(hours=1)
    )


def browser() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def staff(db):
    return make_user("staffer", is_staff=True)


@pytest.fixture
def staff_device(staff) -> TOTPDevice:
    return TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=True)


# --- Setting it up ------------------------------------------------------------------------------


def test_staff_set_up_two_factor_from_a_page_showing_the_key_and_a_qr_code(staff, model_v0):
    client = browser()
    sign_in(client, "staffer", PASSWORD)
    assert f'href="{SETUP}"' in client.get("/").content.decode()
    page = client.get(SETUP)
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    uri = re.search(r'id="two-factor-uri">([^<]+)<', html).group(1).replace("&amp;", "&")
    assert uri.startswith("otpauth://totp/Onboarding%20Maturity%3Astaffer?secret=")
    assert f"secret={secret}" in uri and "issuer=Onboarding%20Maturity" in uri
    assert re.search(r'<div class="qr-code[^"]*" role="img" aria-label="[^"]+"><svg ', html)
    assert client.get(SETUP).content.decode().count(secret[:8]) >= 1  # the same key on reload

    response = enter_code(client, code_for(device), path=SETUP)
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200  # this session is verified already
    assert "Two-factor sign-in is on" in client.get(SETUP).content.decode()


def test_a_wrong_code_does_not_turn_it_on(staff):
    client = browser()
    sign_in(client, "staffer", PASSWORD)
    response = enter_code(client, "000000", path=SETUP)
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_team_leads_have_no_two_factor_page(lead_a):
    client = browser()
    sign_in(client, "lead_a", PASSWORD)
    assert client.get(SETUP).status_code == 404
    assert f'href="{SETUP}"' not in client.get("/").content.decode()


# --- Signing in with it -------------------------------------------------------------------------


@pytest.mark.parametrize("path", [LOGIN, ADMIN_LOGIN])
def test_after_the_password_every_page_asks_for_the_code_first(staff_device, path, model_v0):
    client = browser()
    response = sign_in(client, "staffer", PASSWORD, path=path)
    assert response.status_code == 302
    for page in ("/", "/admin/", "/admin/auth/user/", "/accounts/password/change/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == f"{CODE}?next={quote(page, safe='')}", page

    wrong = enter_code(client, "000000", next_page="/admin/")
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    wait_out_the_code_throttle(staff_device)
    right = enter_code(client, code_for(staff_device), next_page="/admin/")
    assert (right.status_code, right["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200
    assert client.get("/").status_code == 200


def test_a_code_works_once(staff_device):
    first, second = browser(), browser()
    sign_in(first, "staffer", PASSWORD)
    sign_in(second, "staffer", PASSWORD)
    code = code_for(staff_device)
    assert enter_code(first, code).status_code == 302
    replay = enter_code(second, code)
    assert replay.status_code == 200 and "already used" in replay.content.decode()
    wait_out_the_code_throttle(staff_device)
    assert enter_code(second, code_for(staff_device, step=1)).status_code == 302


def test_wrong_codes_slow_down_the_next_tries(staff_device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 600  # so the wait cannot pass during the test
    client = browser()
    sign_in(client, "staffer", PASSWORD)
    assert "That code is not right" in enter_code(client, "000000").content.decode()
    throttled = enter_code(client, code_for(staff_device))
    assert "Too many wrong codes" in throttled.content.decode()
    assert client.get("/admin/").status_code == 302


def test_the_code_page_never_sends_anyone_off_site(staff_device):
    client = browser()
    sign_in(client, "staffer", PASSWORD)
    response = enter_code(client, code_for(staff_device), next_page="https://evil.example/")
    assert response["Location"] == "/"


def test_signing_out_is_open_before_the_code(staff_device):
    client = browser()
    sign_in(client, "staffer", PASSWORD)
    page = client.get(f"{CODE}?next=/")
    assert client.post("/accounts/logout/", page_form(page, "logout-form")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_without_a_device_staff_sign_in_with_the_password_alone(staff, model_v0):
    client = browser()
    assert sign_in(client, "staffer", PASSWORD, path=ADMIN_LOGIN).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_turning_it_off_takes_a_current_code(staff_device):
    client = browser()
    sign_in(client, "staffer", PASSWORD)
    enter_code(client, code_for(staff_device))
    assert enter_code(client, "000000", path=SETUP).status_code == 200
    assert TOTPDevice.objects.filter(user=staff_device.user).exists()
    wait_out_the_code_throttle(staff_device)
    assert enter_code(client, code_for(staff_device, step=1), path=SETUP).status_code == 302
    assert not TOTPDevice.objects.filter(user=staff_device.user).exists()


# --- Required for superusers ----------------------------------------------------------------


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA_FOR_SUPERUSERS = True


def test_a_superuser_without_a_device_must_set_one_up_before_any_page(
    admin_user, required, model_v0
):
    client = browser()
    assert sign_in(client, "admin", PASSWORD, path=ADMIN_LOGIN).status_code == 302
    for page in ("/admin/", "/", "/accounts/login/code/"):
        response = client.get(page)
        assert response["Location"] == f"{SETUP}?next={quote(page, safe='')}", page
    setup = client.get(f"{SETUP}?next=/admin/")
    assert "Superusers sign in with a code" in setup.content.decode()
    device = TOTPDevice.objects.get(user=admin_user)
    response = enter_code(client, code_for(device), path=SETUP, next_page="/admin/")
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    again = browser()  # the next sign-in asks for the code
    sign_in(again, "admin", PASSWORD, path=ADMIN_LOGIN)
    assert again.get("/admin/")["Location"].startswith(CODE)
    on = enter_code(again, code_for(device, step=1))
    assert on.status_code == 302 and again.get("/admin/").status_code == 200
    page = again.get(SETUP)
    assert "Superusers must keep it on" in page.content.decode()
    assert "two-factor-form" not in page.content.decode()
    token = page_form(page, "logout-form")["csrfmiddlewaretoken"]  # posting anyway changes nothing
    again.post(SETUP, {"csrfmiddlewaretoken": token, "token": code_for(device, step=1)})
    assert TOTPDevice.objects.filter(user=admin_user, confirmed=True).exists()


def test_without_the_requirement_a_superuser_may_go_without(admin_user, model_v0):
    client = browser()
    sign_in(client, "admin", PASSWORD, path=ADMIN_LOGIN)
    assert client.get("/admin/").status_code == 200


def test_other_staff_are_not_made_to_set_it_up(staff, required, model_v0):
    client = browser()
    sign_in(client, "staffer", PASSWORD, path=ADMIN_LOGIN)
    assert client.get("/admin/").status_code == 200
