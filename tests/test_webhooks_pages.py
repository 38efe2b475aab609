"""The webhooks pages: who may manage an organization's endpoints, registering one (and the
addresses refused at save), the delivery log, rotating, switching off, deleting, pinging."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import webhook_receiver
from tests.webhook_receiver import PUBLIC_HOST
from webhooks import services
from webhooks.models import PING, WebhookDelivery, WebhookEndpoint

certificates = webhook_receiver.certificates
dns = webhook_receiver.dns
queue = webhook_receiver.queue
receiver = webhook_receiver.receiver


def list_url(slug: str = "acme") -> str:
    return reverse("webhooks:list", args=[slug])


def page_url(endpoint: WebhookEndpoint, name: str = "endpoint", slug: str | None = None) -> str:
    return reverse(f"webhooks:{name}", args=[slug or endpoint.organization.slug, endpoint.pk])


def register(client, url: str, events=("assessment.submitted", "action.updated"), slug="acme"):
    return client.post(list_url(slug), {"url": url, "events": list(events), "description": "CRM"})


@pytest.fixture
def acme_hook(acme, consultant, dns) -> WebhookEndpoint:
    return services.endpoint_create(
        organization=acme,
        user=consultant,
        url=f"https://{PUBLIC_HOST}/acme",
        events=["assessment.submitted"],
    )


# --- Who ---------------------------------------------------------------------------------------


def test_a_consultant_registers_an_endpoint_and_sees_its_secret_once(client, consultant, acme, dns):
    client.force_login(consultant)
    response = register(client, f"https://{PUBLIC_HOST}/in")

    assert response.status_code == 201
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.organization == acme and endpoint.created_by == consultant
    assert endpoint.events == ["action.updated", "assessment.submitted"]
    assert endpoint.description == "CRM" and endpoint.active
    assert endpoint.secret in response.content.decode()
    # Never again: not on the list, not on the endpoint's page.
    assert endpoint.secret not in client.get(list_url()).content.decode()
    assert endpoint.secret not in client.get(page_url(endpoint)).content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_platform_admin_manages_any_organizations_webhooks(client, admin_user, globex, dns):
    client.force_login(admin_user)
    assert register(client, f"https://{PUBLIC_HOST}/g", slug="globex").status_code == 201
    assert WebhookEndpoint.objects.get().organization == globex


@pytest.mark.parametrize("person", ["lead_a", "lead_b", "outside_consultant"])
def test_team_leads_and_other_consultants_get_a_404_everywhere(
    request, client, acme_hook, person, dns
):
    client.force_login(request.getfixturevalue(person))
    assert client.get(list_url()).status_code == 404
    assert register(client, f"https://{PUBLIC_HOST}/x").status_code == 404
    assert client.get(page_url(acme_hook)).status_code == 404
    for name in ("rotate", "active", "delete", "ping"):
        assert client.post(page_url(acme_hook, name), {"active": "false"}).status_code == 404
    acme_hook.refresh_from_db()
    secret = WebhookEndpoint.objects.get().secret
    assert acme_hook.active and acme_hook.secret == secret
    assert WebhookEndpoint.objects.count() == 1 and not WebhookDelivery.objects.exists()


def test_a_consultant_cannot_reach_another_organizations_endpoint_through_their_own(
    client, acme_hook, outside_consultant
):
    client.force_login(outside_consultant)  # Globex's consultant
    for name in ("endpoint", "rotate", "delete", "ping"):
        method = client.get if name == "endpoint" else client.post
        assert method(page_url(acme_hook, name, slug="globex")).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=acme_hook.pk).exists()


def test_anonymous_people_are_sent_to_sign_in(client, acme_hook):
    response = client.get(list_url())
    assert response.status_code == 302 and "login" in response["Location"]


# --- Refused at save ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://loopback.example.test/in", "resolves to 127.0.0.1, a loopback address"),
        ("https://internal.example.test/in", "resolves to 10.0.0.7, a private address"),
        ("https://metadata.example.test/in", "resolves to 169.254.169.254, a link-local address"),
        (f"http://{PUBLIC_HOST}/in", "Use an https:// address"),
        (f"https://bob:secret@{PUBLIC_HOST}/in", "Leave the user name and password out"),
        ("https://nowhere.example.test/in", "could not be resolved"),
    ],
)
def test_an_address_that_may_not_receive_webhooks_is_refused_with_a_clear_error(
    client, consultant, acme, dns, url, says
):
    client.force_login(consultant)
    response = register(client, url)

    assert response.status_code == 400
    errors = response.context["form"].errors["url"]
    assert any(says in error for error in errors), errors
    assert says.replace("'", "&#x27;") in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_needs_at_least_one_event(client, consultant, acme, dns):
    client.force_login(consultant)
    response = register(client, f"https://{PUBLIC_HOST}/in", events=())
    assert response.status_code == 400 and "events" in response.context["form"].errors
    response = register(client, f"https://{PUBLIC_HOST}/in", events=("assessment.deleted",))
    assert response.status_code == 400 and not WebhookEndpoint.objects.exists()


def test_an_organization_has_at_most_ten_endpoints(client, consultant, acme, dns):
    client.force_login(consultant)
    for n in range(services.MAX_ENDPOINTS):
        assert register(client, f"https://{PUBLIC_HOST}/{n}").status_code == 201
    response = register(client, f"https://{PUBLIC_HOST}/one-more")
    assert response.status_code == 400
    assert "at most 10 endpoints" in response.content.decode()
    assert WebhookEndpoint.objects.count() == services.MAX_ENDPOINTS


# --- Managing one ------------------------------------------------------------------------------


def test_rotating_the_secret_shows_the_new_one_once(client, consultant, acme_hook):
    client.force_login(consultant)
    old = acme_hook.secret
    response = client.post(page_url(acme_hook, "rotate"))
    acme_hook.refresh_from_db()
    assert response.status_code == 200 and acme_hook.secret != old
    assert acme_hook.secret in response.content.decode()
    assert acme_hook.secret_rotated_at is not None
    assert acme_hook.secret not in client.get(page_url(acme_hook)).content.decode()


def test_switching_an_endpoint_off_and_on(client, consultant, acme_hook):
    client.force_login(consultant)
    response = client.post(page_url(acme_hook, "active"), {"active": "false"})
    assert response.status_code == 302
    acme_hook.refresh_from_db()
    assert not acme_hook.active
    client.post(page_url(acme_hook, "active"), {"active": "true"})
    acme_hook.refresh_from_db()
    assert acme_hook.active
    assert client.post(page_url(acme_hook, "active"), {"active": "maybe"}).status_code == 400


def test_deleting_an_endpoint_deletes_its_log(client, consultant, acme_hook, queue):
    services.ping_send(endpoint=acme_hook)
    client.force_login(consultant)
    response = client.post(page_url(acme_hook, "delete"))
    assert response.status_code == 302 and response["Location"] == list_url()
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()


def test_a_test_ping_shows_in_the_log_with_each_attempt(
    client, consultant, acme, receiver, queue, django_capture_on_commit_callbacks
):
    client.force_login(consultant)
    register(client, receiver.url(), events=("import.completed",))
    endpoint = WebhookEndpoint.objects.get()
    receiver.secret = endpoint.secret
    receiver.answers = [500, 200]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(endpoint, "ping"))
    assert response.status_code == 302
    queue.run()

    (got, again) = receiver.received
    assert got.verified and again.verified and got.json["type"] == PING
    page = client.get(page_url(endpoint))
    html = page.content.decode()
    assert page.status_code == 200
    assert "HTTP 500" in html and "HTTP 200" in html and "Succeeded" in html
    (delivery,) = page.context["page"].object_list
    assert [a.status_code for a in delivery.log.all()] == [500, 200]


def test_the_pages_are_accessible_and_run_no_inline_script(client, consultant, acme_hook, queue):
    services.ping_send(endpoint=acme_hook)
    client.force_login(consultant)
    for url in (list_url(), page_url(acme_hook)):
        html = client.get(url).content.decode()
        assert '<div class="table-responsive" tabindex="0" role="region" aria-label="' in html
        assert '<th scope="col">' in html and '<th scope="row"' in html
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script"
        assert " on" + "click=" not in html
    form = client.get(list_url()).content.decode()
    for field in ("id_url", "id_description"):
        assert f'for="{field}"' in form


def test_the_log_is_paginated_and_its_queries_do_not_grow_with_it(client, consultant, acme_hook):
    client.force_login(consultant)
    services.ping_send(endpoint=acme_hook)
    client.get(page_url(acme_hook))  # the first page after signing in saves the language
    with CaptureQueriesContext(connection) as one:
        client.get(page_url(acme_hook))
    for _ in range(30):
        services.ping_send(endpoint=acme_hook)
    with CaptureQueriesContext(connection) as many:
        response = client.get(page_url(acme_hook))
    assert len(many) == len(one) <= 8
    assert len(response.context["page"].object_list) == 25
    assert client.get(page_url(acme_hook) + "?page=2").context["page"].number == 2
