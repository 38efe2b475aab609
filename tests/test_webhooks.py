"""Webhook deliveries: signed, retried with backoff, logged, and never sent where they must not go.

A real HTTPS receiver (tests/webhook_receiver.py) checks every signature with its own code.
"""

from __future__ import annotations

import io
import ipaddress
import json
import re
import socket
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from assessments import imports
from assessments.exports.csv_format import read_csv
from assessments.models import Action
from assessments.periods import Quarter
from assessments.plan_services import ActionInput, action_save, theme_choose
from assessments.services import AssessmentError, assessment_start, assessment_submit
from catalogue.models import Dimension
from tests import webhook_receiver
from tests.conftest import fill, submit
from tests.webhook_receiver import PUBLIC_HOST, RECEIVER_HOST, independent_verify
from webhooks import delivery, receivers, sending, services, signing, ssrf
from webhooks.models import PING, Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint

# The shared fixtures: a fake DNS, the task queue, the HTTPS receiver and its certificates.
certificates = webhook_receiver.certificates
dns = webhook_receiver.dns
queue = webhook_receiver.queue
receiver = webhook_receiver.receiver

ALL_EVENTS = Event.values


def endpoint_for(organization, url, events=ALL_EVENTS, user=None) -> WebhookEndpoint:
    return services.endpoint_create(organization=organization, user=user, url=url, events=events)


@pytest.fixture
def hook(acme, receiver, consultant) -> WebhookEndpoint:
    """Acme's endpoint at the test receiver, which knows its secret."""
    endpoint = endpoint_for(acme, receiver.url(), user=consultant)
    receiver.secret = endpoint.secret
    return endpoint


@pytest.fixture
def ping(django_capture_on_commit_callbacks):
    """Send a test ping as the page does: its first try is queued when the rows commit."""

    def send(endpoint: WebhookEndpoint) -> WebhookDelivery:
        with django_capture_on_commit_callbacks(execute=True):
            return services.ping_send(endpoint=endpoint)

    return send


def attempts_of(row: WebhookDelivery) -> list[WebhookAttempt]:
    return list(WebhookAttempt.objects.filter(delivery=row).order_by("at", "pk"))


# --- Signing ------------------------------------------------------------------------------------


def test_a_delivery_is_signed_so_that_an_independent_receiver_can_verify_it(
    ping, hook, receiver, queue
):
    row = ping(hook)
    queue.run()

    (got,) = receiver.received
    assert got.verified  # tests/webhook_receiver.py's own HMAC, not webhooks.signing
    assert got.headers["Webhook-Id"] == str(row.event_id) == got.json["id"]
    assert got.headers["Webhook-Event"] == PING == got.json["type"]
    assert got.headers["Content-Type"] == "application/json"
    assert got.json["organization"] == {"slug": "acme", "name": "Acme Corp"}
    # Sent to the pinned address, with the URL's own host name for TLS and the Host header.
    assert got.headers["Host"] == f"{RECEIVER_HOST}:{receiver.port}"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (WebhookDelivery.Status.SUCCEEDED, 1)
    (attempt,) = attempts_of(row)
    assert (attempt.status_code, attempt.error) == (200, "")


def test_a_signature_with_the_wrong_secret_an_old_timestamp_or_a_changed_body_fails():
    body, secret, now = b'{"id":"1"}', "whsec_abc", 1_700_000_000
    header = signing.signature(secret, now, body)
    good = {"Webhook-Timestamp": str(now), "Webhook-Signature": header}
    assert independent_verify(secret, good, body, now=now + 10)
    assert not independent_verify("whsec_other", good, body, now=now)
    assert not independent_verify(secret, good, b'{"id":"2"}', now=now)
    assert not independent_verify(secret, good, body, now=now + 301)  # a replay, 5 min later
    assert signing.verify(secret, timestamp=str(now), body=body, header=header, now=now)
    assert not signing.verify(secret, timestamp=str(now), body=body, header=header, now=now + 301)


def test_every_secret_is_new():
    assert len({signing.new_secret() for _ in range(50)}) == 50
    assert signing.new_secret().startswith("whsec_")


# --- Retries ------------------------------------------------------------------------------------


def test_a_failing_receiver_is_tried_again_with_backoff_until_it_answers(
    ping, hook, receiver, queue
):
    receiver.answers = [500, 503, 200]
    row = ping(hook)

    queue.run_next()
    (retry,) = queue.waiting
    first_gap = retry.task.run_after - timezone.now()
    assert timedelta(seconds=50) < first_gap <= timedelta(seconds=60)
    queue.run_next()
    (retry,) = queue.waiting
    assert timedelta(seconds=290) < retry.task.run_after - timezone.now() <= timedelta(minutes=5)
    queue.run_next()
    assert not queue.waiting

    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == ("succeeded", 3, None)
    assert [a.status_code for a in attempts_of(row)] == [500, 503, 200]
    assert all(a.duration_ms >= 0 and a.at for a in attempts_of(row))
    # The same event, id and body every time, each try signed afresh.
    assert len({r.headers["Webhook-Id"] for r in receiver.received}) == 1
    assert len({r.body for r in receiver.received}) == 1
    assert all(r.verified for r in receiver.received)


def test_a_delivery_gives_up_after_the_last_retry(ping, hook, receiver, queue, settings):
    settings.WEBHOOK_RETRY_SCHEDULE = [60, 300, 1800]
    receiver.answers = [500] * 10
    row = ping(hook)

    ran = queue.run()

    assert len(ran) == 4 == len(receiver.received)  # the first try and three retries
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 4, None)
    assert not queue.waiting


def test_the_default_schedule_backs_off_from_a_minute_to_twelve_hours():
    assert delivery.DEFAULT_RETRY_SCHEDULE == (60, 300, 1800, 7200, 43200)
    assert delivery.max_attempts() == 6


def test_a_delivery_is_tried_once_even_if_its_task_runs_twice(ping, hook, receiver, queue):
    row = ping(hook)
    assert len(queue.waiting) == 1
    assert delivery.attempt(row.pk).status == "succeeded"
    assert delivery.attempt(row.pk).status == "skipped"
    assert len(receiver.received) == 1 and len(attempts_of(row)) == 1


def test_a_switched_off_endpoint_gets_nothing(ping, hook, receiver, queue):
    row = ping(hook)
    services.endpoint_set_active(endpoint=hook, active=False)
    queue.run()
    row.refresh_from_db()
    assert row.status == "failed" and receiver.received == []
    assert attempts_of(row)[0].error == delivery.INACTIVE
    assert services.endpoints_listening(hook.organization_id, Event.ASSESSMENT_SUBMITTED) == []


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_try(
    ping, hook, queue, settings, monkeypatch
):
    settings.WEBHOOK_RETRY_SCHEDULE = []
    monkeypatch.setattr(sending, "TIMEOUT_SECONDS", 0.5)
    silent = socket.socket()  # takes the connection, never says a word of TLS
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        hook.url = f"https://{RECEIVER_HOST}:{silent.getsockname()[1]}/hook"
        hook.save()
        row = ping(hook)
        queue.run()
    finally:
        silent.close()
    row.refresh_from_db()
    assert row.status == "failed"
    assert attempts_of(row)[0].error == "No answer within 0.5 s."


# --- Where deliveries may go (SSRF) -----------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "10.0.0.7",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "198.18.0.1",
        "192.0.0.8",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b:1::1",
        "2001:db8::1",  # documentation
    ],
)
def test_private_and_special_addresses_are_refused(address, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    assert ssrf.refusal(address), address


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    assert ssrf.refusal(address) is None


def test_the_allowed_networks_setting_is_empty_unless_a_test_sets_it(settings):
    from django.conf import settings as live

    assert getattr(live, "WEBHOOK_ALLOWED_NETWORKS", []) == []
    assert ssrf.refusal("127.0.0.1") == "a loopback address"
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert ssrf.refusal("127.0.0.1") is None
    assert ssrf.refusal("127.0.0.2") == "a loopback address"
    assert ssrf.refusal(ipaddress.ip_address("::ffff:127.0.0.1")) is None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://hooks.example.com/in", "Use an https:// address"),
        ("ftp://hooks.example.com/in", "Use an https:// address"),
        ("hooks.example.com/in", "Use an https:// address"),
        ("https://user:pass@hooks.example.com/in", "Leave the user name and password out"),
        ("https://user@hooks.example.com/in", "Leave the user name and password out"),
        ("https:///in", "no host name"),
        ("https://hooks.example.com:99999/in", "not a valid address"),
        ("https://hooks.example.com/in#x", "fragment"),
        ("https://hooks.example.com/a b", "spaces or control characters"),
        ("https://hooks.example.com/\r\nX-Evil: 1", "spaces or control characters"),
        ("https://loopback.example.test/in", "resolves to 127.0.0.1, a loopback address"),
        ("https://internal.example.test/in", "resolves to 10.0.0.7, a private address"),
        ("https://metadata.example.test/", "resolves to 169.254.169.254, a link-local address"),
        ("https://mixed.example.test/", "resolves to 10.0.0.7, a private address"),
        ("https://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("https://[::ffff:a00:7]/", "a private address (inside an IPv6 address)"),
        ("https://nowhere.example.test/", "could not be resolved"),
        ("https://" + "a" * 500 + ".example.com/", "at most 500 characters"),
    ],
)
def test_a_url_that_is_not_https_to_a_public_address_is_refused(url, says, dns, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    dns.names["127.0.0.1"] = ["127.0.0.1"]
    dns.names["::ffff:a00:7"] = ["::ffff:a00:7"]
    with pytest.raises(ssrf.UnsafeURL, match=re.escape(says)):
        ssrf.check(url)


def test_a_public_https_url_is_accepted(dns):
    target = ssrf.check(f"https://{PUBLIC_HOST}:8443/in?team=1")
    assert (target.host, target.port, target.path) == (PUBLIC_HOST, 8443, "/in?team=1")
    assert target.addresses == ("93.184.216.34",)


def test_an_endpoint_is_refused_at_save_when_its_host_is_private(acme, dns):
    for host in ("loopback.example.test", "internal.example.test", "metadata.example.test"):
        with pytest.raises(ssrf.UnsafeURL):
            endpoint_for(acme, f"https://{host}/in")
    with pytest.raises(ssrf.UnsafeURL):
        endpoint_for(acme, f"http://{PUBLIC_HOST}/in")
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("rebound_to", [["127.0.0.2"], ["10.0.0.7"], ["169.254.169.254"]])
def test_a_host_rebound_to_a_private_address_after_saving_is_refused_at_delivery(
    ping, hook, receiver, queue, dns, rebound_to
):
    dns.names[RECEIVER_HOST] = rebound_to  # DNS changed since the endpoint was saved
    row = ping(hook)
    queue.run_next()

    assert receiver.received == []
    (attempt,) = attempts_of(row)
    assert attempt.status_code is None
    assert attempt.error.startswith("Refused, nothing sent:")
    assert rebound_to[0] in attempt.error
    row.refresh_from_db()
    assert row.status == "pending" and row.next_attempt_at is not None  # tried again later


def test_one_private_address_among_public_ones_refuses_the_delivery(
    ping, hook, receiver, queue, dns
):
    dns.names[RECEIVER_HOST] = ["127.0.0.1", "10.0.0.7"]
    row = ping(hook)
    queue.run_next()
    assert receiver.received == []
    assert "10.0.0.7" in attempts_of(row)[0].error


def test_the_host_is_resolved_once_per_try_and_the_connection_uses_that_address(
    ping, hook, receiver, queue, dns
):
    dns.lookups.clear()
    ping(hook)
    queue.run()
    # One lookup, by the check; the connection went to its answer (the real DNS does not know
    # receiver.example.test, so a second lookup by name could not have reached the receiver).
    assert dns.lookups == [RECEIVER_HOST]
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    "location",
    ["https://internal.example.test/landed", "https://127.0.0.1:1/landed", "/landed"],
)
def test_a_redirect_is_never_followed(ping, hook, receiver, queue, location):
    receiver.answers = [(302, {"Location": location})]
    row = ping(hook)
    queue.run_next()

    assert [r.path for r in receiver.received] == ["/hook"]  # nothing asked for /landed
    (attempt,) = attempts_of(row)
    assert attempt.status_code == 302
    assert f"Redirect to {location}" in attempt.error
    row.refresh_from_db()
    assert row.status == "pending"  # a failed try: retried later, never followed


def test_the_receivers_certificate_is_trusted_only_through_the_ca_bundle_setting(
    ping, hook, receiver, queue, settings
):
    settings.WEBHOOK_CA_BUNDLE = None  # the system's authorities, which never signed it
    row = ping(hook)
    queue.run_next()
    assert receiver.received == []
    assert "TLS certificate not trusted" in attempts_of(row)[0].error


# --- Events from the real services --------------------------------------------------------------


@pytest.fixture
def endpoints(acme, globex, dns):
    """Acme: one endpoint for everything, one for actions only; Globex: one for everything."""
    return {
        "acme_all": endpoint_for(acme, f"https://{PUBLIC_HOST}/acme"),
        "acme_actions": endpoint_for(
            acme, f"https://{PUBLIC_HOST}/acme-actions", ["action.updated"]
        ),
        "globex_all": endpoint_for(globex, f"https://{PUBLIC_HOST}/globex"),
    }


def deliveries(event: str) -> dict[str, WebhookDelivery]:
    rows = WebhookDelivery.objects.filter(event=event).select_related("endpoint")
    return {row.endpoint.url.rsplit("/", 1)[1]: row for row in rows}


def test_submitting_an_assessment_notifies_its_organizations_subscribed_endpoints(
    model_v0, team_a, lead_a, endpoints, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assessment = submit(team_a, lead_a, Quarter(2026, 3), 3)

    sent = deliveries(Event.ASSESSMENT_SUBMITTED)
    assert set(sent) == {"acme"}  # not the actions-only endpoint, not Globex's
    payload = sent["acme"].payload
    assert payload["type"] == "assessment.submitted"
    data = payload["data"]["assessment"]
    assert (data["id"], data["year"], data["quarter"]) == (assessment.pk, 2026, 3)
    assert data["team"]["slug"] == "enterprise" and data["model_version"] == "v0"
    assert data["overall_total"] == 60 and len(data["dimensions"]) == 4
    assert {d["code"] for d in data["dimensions"]} == {"VO", "CX", "AO", "MP"}
    assert all(d["total"] == 15 and d["band"] for d in data["dimensions"])
    assert data["url"].endswith(f"/assessments/{assessment.pk}/")
    assert len(queue.waiting) == 1  # its first try is queued


def test_a_submit_that_fails_notifies_nobody(
    model_v0, team_a, lead_a, endpoints, queue, django_capture_on_commit_callbacks
):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AssessmentError):
        assessment_submit(assessment=draft, user=lead_a)  # nothing answered
    assert not WebhookDelivery.objects.exists() and not queue.waiting


def test_a_submit_rolled_back_after_the_event_notifies_nobody(
    model_v0, team_a, lead_a, endpoints, queue, django_capture_on_commit_callbacks
):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)
    fill(draft, 3)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        assessment_submit(assessment=draft, user=lead_a)  # the event is sent in here
        raise RuntimeError("something later in the same transaction fails")
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not WebhookDelivery.objects.exists() and not queue.waiting


def test_a_write_nobody_listens_to_costs_one_query_and_no_callback(
    model_v0, team_a, lead_a, dns, django_capture_on_commit_callbacks, django_assert_num_queries
):
    services.endpoint_create(
        organization=team_a.organization,
        user=None,
        url=f"https://{PUBLIC_HOST}/actions-only",
        events=["action.updated"],
    )
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)
    fill(draft, 3)
    with django_capture_on_commit_callbacks() as callbacks:
        assessment_submit(assessment=draft, user=lead_a)
    assert not any(c.__qualname__.startswith("after_commit") for c in callbacks)
    with django_assert_num_queries(1):
        receivers.on_assessment_submitted(None, assessment=draft)
    assert not WebhookDelivery.objects.exists()


def test_saving_an_action_notifies_endpoints_subscribed_to_actions(
    model_v0, team_a, lead_a, endpoints, queue, django_capture_on_commit_callbacks
):
    assessment = submit(team_a, lead_a, Quarter(2026, 3), 3)
    theme_choose(
        assessment=assessment,
        user=lead_a,
        dimension=Dimension.objects.get(model=model_v0, code="VO"),
    )
    WebhookDelivery.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        action = action_save(
            assessment=assessment,
            user=lead_a,
            wanted=ActionInput(title="Write the value story", owner_name="Sam"),
            people_ids=set(),
        )
    with django_capture_on_commit_callbacks(execute=True):
        action_save(
            assessment=assessment,
            user=lead_a,
            wanted=ActionInput(title="Write the value story", status=Action.Status.DOING),
            people_ids=set(),
            action=action,
        )

    rows = WebhookDelivery.objects.filter(event=Event.ACTION_UPDATED).order_by("pk")
    by_endpoint = {}
    for row in rows:
        by_endpoint.setdefault(row.endpoint.url.rsplit("/", 1)[1], []).append(row.payload)
    assert set(by_endpoint) == {"acme", "acme-actions"}
    first, second = by_endpoint["acme-actions"]
    assert first["data"]["action"]["created"] is True
    assert first["data"]["action"]["owner"] == "Sam"
    assert second["data"]["action"] == {**second["data"]["action"], "created": False}
    assert second["data"]["action"]["status"] == "doing"
    assert first["data"]["assessment"]["id"] == assessment.pk
    # One event, one id, whatever the number of endpoints it goes to.
    assert by_endpoint["acme"][0]["id"] == first["id"] != second["id"]


def test_an_import_notifies_each_organization_it_touched(
    model_v0, acme, globex, team_a, team_g, endpoints, queue, django_capture_on_commit_callbacks
):
    codes = [f"{d}-{n}" for d in ("VO", "CX", "AO", "MP") for n in range(1, 6)]
    lines = "organization,team,year,quarter,model_version,question,score,note\r\n" + "".join(
        f"{org},{team},2025,{quarter},v0,{code},4,\r\n"
        for org, team, quarter in [
            ("Acme Corp", "Enterprise Onboarding", 1),
            ("Acme Corp", "Enterprise Onboarding", 2),
            ("Globex", "Globex Onboarding", 1),
        ]
        for code in codes
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = imports.assessments_import(rows=read_csv(io.StringIO(lines, newline="")))

    sent = deliveries(Event.IMPORT_COMPLETED)
    assert set(sent) == {"acme", "globex"}
    acme_data = sent["acme"].payload["data"]
    assert acme_data["assessments_count"] == 2 and acme_data["truncated"] is False
    assert {a["quarter"] for a in acme_data["assessments"]} == {1, 2}
    assert {a["team"]["slug"] for a in acme_data["assessments"]} == {"enterprise"}
    globex_data = sent["globex"].payload["data"]
    assert [a["id"] for a in globex_data["assessments"]] == [
        a.pk for a in result.assessments if a.team_id == team_g.pk
    ]
    assert sent["acme"].payload["organization"]["slug"] == "acme"


def test_a_rejected_import_notifies_nobody(
    model_v0, endpoints, queue, django_capture_on_commit_callbacks
):
    lines = "organization,team,year,quarter,model_version,question,score,note\r\n"
    lines += "Acme Corp,Enterprise Onboarding,2025,1,v0,VO-1,9,\r\n"
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(imports.ImportRejected):
        imports.assessments_import(rows=read_csv(io.StringIO(lines, newline="")))
    assert not WebhookDelivery.objects.exists()


def test_a_submitted_assessment_reaches_the_receiver_signed(
    model_v0, team_a, lead_a, hook, receiver, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assessment, _ = assessment_start(team=team_a, period=Quarter(2026, 2), user=lead_a)
        fill(assessment, 4)
        assessment_submit(assessment=assessment, user=lead_a)
    queue.run()

    (got,) = receiver.received
    assert got.verified and got.headers["Webhook-Event"] == "assessment.submitted"
    assert got.json["data"]["assessment"]["overall_total"] == 80
    assert json.loads(got.body) == WebhookDelivery.objects.get().payload


def test_a_failing_listener_never_fails_the_write(
    model_v0, team_a, lead_a, endpoints, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("the queue is down")

    monkeypatch.setattr(services, "deliveries_create", broken)
    with django_capture_on_commit_callbacks(execute=True):
        assessment = submit(team_a, lead_a, Quarter(2026, 3), 3)
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
