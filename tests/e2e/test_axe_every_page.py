"""Issue 14: axe-core finds no violation of any impact on any page a person sees, each page
checked in a real browser with its own Content-Security-Policy in force.

Every named URL of the app is either visited here (PAGES) or listed in NOT_PAGES with the
reason it is not an HTML page of its own; test_every_url_is_checked_or_excluded keeps the two
lists honest when a URL is added. Django admin's pages are many; its index, a change list and
a change form stand for them (they share admin/base_site.html)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from assessments import team_services
from assessments.benchmark_data import peer_benchmarks_refresh
from assessments.models import Action, Assessment
from assessments.periods import Quarter
from assessments.plan_services import (
    ActionInput,
    TargetInput,
    action_save,
    metrics_save,
    targets_save,
    theme_choose,
)
from assessments.services import (
    answers_save,
    assessment_start,
    assessment_submit,
    assessment_update_context,
)
from assessments.workspace_models import ClientPack
from catalogue.models import Dimension, Question
from organizations.models import Organization, Team
from tests.conftest import PASSWORD, fill, make_user, questions_of
from tests.e2e.conftest import (
    AXE,
    assert_no_axe_violations,
    inline_scripts_blocked,
    with_generous_timeouts,
)
from webhooks.models import WebhookEndpoint

Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)
CONTEXT = {"company_stage": "growth", "customer_segment": "smb", "touch_model": "low"}
PEERS = 6  # enough organizations in the cohort for the report to show the peer benchmark
INVITEE = ("Noor Newcomer", "noor@example.com")
IMPORT_HEADER = b"organization,team,year,quarter,model_version,question,score,note\n"


@dataclass
class World:
    report: Assessment  # submitted, answered by three people, with a plan and a benchmark
    earlier: Assessment  # the quarter before, so the report compares
    draft: Assessment  # the team's open quarter: one response in, one person still answering
    half_done: Assessment  # another team's draft with questions open
    token: str  # an unused sign-up link for INVITEE
    action: Action
    packs: dict[str, ClientPack]
    reset_path: str  # a valid password reset link of lead_a
    webhook: WebhookEndpoint


def submitted(team, lead, quarter, scores) -> Assessment:
    assessment, _ = assessment_start(team=team, period=quarter, user=lead)
    assessment_update_context(assessment=assessment, **CONTEXT)
    fill(assessment, scores)
    return assessment_submit(assessment=assessment, user=lead)


def answered_by(assessment: Assessment, lead, name: str, scores: dict[str, int] | int):
    first, last = name.split()
    user = make_user(first.lower(), first_name=first, last_name=last)
    (respondent,) = team_services.respondents_invite(
        assessment=assessment, users=[user], invited_by=lead
    )
    answers = {
        q: (scores if isinstance(scores, int) else scores.get(q.code, 3), "")
        for q in questions_of(assessment.model)
    }
    team_services.response_answers_save(respondent=respondent, answers=answers)
    return respondent


@pytest.fixture
def world(model_v0_tx, acme, team_a, team_b, lead_a, lead_b, consultant, admin_user) -> World:
    model = model_v0_tx
    questions = questions_of(model)
    earlier = submitted(team_a, lead_a, Q1, 2)

    # Q2: the lead and two colleagues answer; they disagree on VO-1; the lead agrees 3.
    report, _ = assessment_start(team=team_a, period=Q2, user=lead_a)
    assessment_update_context(assessment=report, **CONTEXT)
    fill(report, {q.code: 1 if q.code == "VO-1" else 3 for q in questions}, {"VO-1": "Why 1"})
    for name, scores in (("Sam Smith", {"VO-1": 5}), ("Kim Kay", 4)):
        team_services.response_submit(respondent=answered_by(report, lead_a, name, scores))
    team_services.agreed_scores_save(
        assessment=report, agreed={Question.objects.get(code="VO-1"): (3, "Agreed in the room")}
    )
    report = assessment_submit(assessment=report, user=lead_a)
    codes = [d.code for d in Dimension.objects.filter(model=model)]
    targets_save(
        team=team_a,
        user=lead_a,
        targets={"VO": TargetInput(18), "AO": TargetInput(12, for_stage=True, reason="Early")},
        codes=codes,
    )
    for quarter, days in ((Q1, 60), (Q2, 45)):
        metrics_save(
            team=team_a,
            period=quarter,
            user=lead_a,
            values={"time_to_value_days": days, "csat": Decimal("4.2"), "nps": 30},
        )
    theme_choose(
        assessment=report,
        user=lead_a,
        dimension=Dimension.objects.get(model=model, code="AO"),
        questions=[q for q in questions if q.code in {"AO-1", "AO-2"}],
        reason="Hand-overs get lost",
    )
    action = action_save(
        assessment=report,
        user=lead_a,
        wanted=ActionInput(title="Write the hand-over checklist", owner=lead_a),
        people_ids={lead_a.pk},
    )
    submitted(team_b, lead_b, Q2, 4)

    # Q3: a draft with one colleague's answers in and one person still answering.
    draft, _ = assessment_start(team=team_a, period=Q3, user=lead_a)
    fill(draft, 3)
    team_services.response_submit(respondent=answered_by(draft, lead_a, "Lee Long", 4))
    rowan = answered_by(draft, lead_a, "Rowan Respondent", 3)
    team_services.response_answers_save(
        respondent=rowan,
        answers={q: (None, "") for q in questions if q.dimension.code != "VO"},
    )
    token = team_services.respondent_invite_by_email(
        assessment=draft, name=INVITEE[0], email=INVITEE[1], invited_by=lead_a
    ).token
    half_done, _ = assessment_start(team=team_b, period=Q3, user=lead_b)
    answers_save(
        assessment=half_done,
        answers={q: (3, "") for q in questions if q.dimension.code == "VO"},
    )

    # Other organizations in the same cohort: the report shows the peer benchmark.
    for n in range(PEERS):
        organization = Organization.objects.create(name=f"Peer {n}", slug=f"peer-{n}")
        team = Team.objects.create(organization=organization, name=f"Peer team {n}", slug="t")
        submitted(team, make_user(f"peer-lead-{n}"), Q2, 1 + n % 5)
    peer_benchmarks_refresh()

    packs = {
        status: ClientPack.objects.create(
            organization=acme,
            year=Q2.year,
            quarter=Q2.quarter,
            requested_by=consultant,
            status=status,
            teams_total=2,
            teams_done=2 if status == ClientPack.Status.DONE else 1,
            error="A team's report did not render." if status == "failed" else "",
        )
        for status in (ClientPack.Status.QUEUED, ClientPack.Status.DONE, ClientPack.Status.FAILED)
    }
    staffer = make_user("staffer", first_name="Sky", last_name="Staff", is_staff=True)
    TOTPDevice.objects.create(user=staffer, name="Authenticator app", confirmed=True)
    uid = urlsafe_base64_encode(force_bytes(lead_a.pk))
    reset_path = reverse(
        "password_reset_confirm", args=[uid, default_token_generator.make_token(lead_a)]
    )
    webhook = WebhookEndpoint.objects.create(
        organization=acme,
        url="https://crm.example.com/hooks/onboarding",
        description="CRM",
        events=["assessment.submitted"],
        secret="whsec-for-the-test",
        created_by=consultant,
    )
    return World(report, earlier, draft, half_done, token, action, packs, reset_path, webhook)


# --- Signing in as each persona ------------------------------------------------------------------


def password_sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/$"))


def code_sign_in(page: Page, base: str, username: str) -> None:
    """Password, then the current code of the person's authenticator app."""
    password_sign_in(page, base, username)
    expect(page).to_have_url(re.compile(r"/accounts/login/code/"))
    device = TOTPDevice.objects.get(user__username=username)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    page.get_by_label("Code").fill(code)
    expect(page.get_by_label("Code")).to_have_value(code)
    page.get_by_label("Code").press("Enter")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/code/"))


PERSONAS: dict[str, Callable[[Page, str], None]] = {
    "anonymous": lambda page, base: None,
    "lead": lambda page, base: password_sign_in(page, base, "lead_a"),
    "other lead": lambda page, base: password_sign_in(page, base, "lead_b"),
    "respondent": lambda page, base: password_sign_in(page, base, "rowan"),
    "colleague": lambda page, base: password_sign_in(page, base, "sam"),
    "consultant": lambda page, base: password_sign_in(page, base, "consultant"),
    "admin": lambda page, base: password_sign_in(page, base, "admin"),
    "staff, code owed": lambda page, base: password_sign_in(page, base, "staffer"),
    "staff": lambda page, base: code_sign_in(page, base, "staffer"),
}


# --- How each page is reached --------------------------------------------------------------------


def go(path: Callable[[World], str] | str, status: int = 200):
    """Open a page by its address; it answers with `status`."""

    def visit(page: Page, base: str, world: World) -> None:
        response = page.goto(base + (path if isinstance(path, str) else path(world)))
        assert response.status == status, f"{response.status} from {response.url}"

    return visit


def step(number: int, draft: str = "draft", query: str = ""):
    return go(lambda w: reverse("assessments:step", args=[getattr(w, draft).pk, number]) + query)


def refused_sign_in(page: Page, base: str, world: World) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("lead_a")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()


def figures_refused(page: Page, base: str, world: World) -> None:
    """A figure out of range gets past the browser (an old browser, a tampered page): the
    server refuses the step and says which field."""
    step(6)(page, base, world)
    page.locator("#wizard-form").evaluate("form => { form.noValidate = true; }")
    field = page.get_by_label("Onboarding CSAT (1-5)")
    field.fill("9")
    expect(field).to_have_value("9")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Onboarding CSAT (1-5) must be from 1 to 5")).to_be_visible()


def submit_refused(page: Page, base: str, world: World) -> None:
    step(7, "half_done")(page, base, world)
    submit = page.get_by_role("button", name="Submit assessment")
    submit.evaluate("button => { button.disabled = false; }")
    submit.click()
    expect(page.locator("#error-summary")).to_be_focused()


def plan_refused(page: Page, base: str, world: World) -> None:
    """An action without a title: the report shows the plan's form with the error."""
    go(lambda w: reverse("assessments:report", args=[w.report.pk]))(page, base, world)
    add = page.locator("form[action$='/actions/']")
    add.evaluate("form => { form.noValidate = true; }")
    add.get_by_role("button", name=re.compile("Add")).click()
    expect(page.locator(".invalid-feedback, .errorlist, .alert-danger").first).to_be_visible()


def targets_refused(page: Page, base: str, world: World) -> None:
    go(lambda w: reverse("assessments:team", args=[w.report.team_id]))(page, base, world)
    form = page.locator("form[action$='/targets/']")
    form.evaluate("form => { form.noValidate = true; }")
    field = form.locator("input[type='number']").first
    field.fill("99")
    expect(field).to_have_value("99")
    form.get_by_role("button").first.click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()


def invitation_refused(page: Page, base: str, world: World) -> None:
    go(lambda w: reverse("assessments:invitation", args=[w.token]))(page, base, world)
    page.get_by_label("Choose a password").fill("a-long-enough-password")
    page.get_by_label("The same password again").fill("another-long-password")
    page.get_by_label("The same password again").press("Enter")
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()


def respondents_refused(page: Page, base: str, world: World) -> None:
    go(lambda w: reverse("assessments:respondents", args=[w.draft.pk]))(page, base, world)
    page.get_by_label("Name", exact=True).fill("Someone")
    page.locator("form").filter(has=page.get_by_label("E-mail")).evaluate(
        "form => { form.noValidate = true; }"
    )
    page.get_by_label("E-mail").fill("not an address")
    page.get_by_label("E-mail").press("Enter")
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()


def import_problems(page: Page, base: str, world: World) -> None:
    go(reverse("assessments:import", args=["acme"]))(page, base, world)
    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "answers.csv",
                "mimeType": "text/csv",
                "buffer": IMPORT_HEADER + b"Acme Corp,Nobody,2026,3,v0,VO-1,7,\n",
            }
        ]
    )
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".import-problems li").first).to_be_visible()


def import_too_large(page: Page, base: str, world: World) -> None:
    go(reverse("assessments:import", args=["acme"]))(page, base, world)
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": IMPORT_HEADER * 400}]
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="This upload is too large")).to_be_visible()


def csrf_refused(page: Page, base: str, world: World) -> None:
    go("/")(page, base, world)
    page.locator("#logout-form input[name='csrfmiddlewaretoken']").evaluate("i => i.remove()")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def token_created(page: Page, base: str, world: World) -> None:
    go(reverse("api-tokens"))(page, base, world)
    page.get_by_label("Name").fill("BI dashboard")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_label("Token", exact=True)).to_have_value(re.compile(r"^omm_"))


def secret_rotated(page: Page, base: str, world: World) -> None:
    go(reverse("webhooks:endpoint", args=["acme", world.webhook.pk]))(page, base, world)
    page.get_by_role("button", name="Rotate the signing secret").click()
    expect(page).to_have_url(re.compile(r"/rotate/$"))


def api_docs(page: Page, base: str, world: World) -> None:
    """Swagger UI, once it has read the schema and listed the operations."""
    go(reverse("api-docs"))(page, base, world)
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()


def question_change_form(page: Page, base: str, world: World) -> None:
    question = Question.objects.get(code="CX-4", dimension__model=world.report.model)
    go(reverse("admin:catalogue_question_change", args=[question.pk]))(page, base, world)


def two_factor_on(page: Page, base: str, world: World) -> None:
    go(reverse("two-factor-setup"))(page, base, world)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def compare_teams(w: World) -> str:
    teams = "&".join(f"team={pk}" for pk in (w.report.team_id, w.half_done.team_id))
    return f"{reverse('assessments:compare', args=['acme'])}?{teams}&quarter={Q2.key}"


def compare_quarters(w: World) -> str:
    query = f"team={w.report.team_id}&quarter={Q2.key}&quarter={Q1.key}"
    return f"{reverse('assessments:compare', args=['acme'])}?{query}"


def pack(status: str):
    return go(lambda w: reverse("assessments:pack-status", args=[w.packs[status].pk]))


@dataclass(frozen=True)
class Visit:
    persona: str
    url_name: str  # the named URL this page is, for the coverage check
    visit: Callable[[Page, str, World], None]
    settings: tuple[tuple[str, object], ...] = ()  # overridden for this page's visit
    known: str = ""  # violations in third-party markup the app's templates cannot reach


R = "assessments:"
PAGES: dict[str, Visit] = {
    # Signing in, codes and passwords.
    "sign-in": Visit("anonymous", "login", go("/accounts/login/")),
    "sign-in, refused": Visit("anonymous", "login", refused_sign_in),
    "two-factor code": Visit("staff, code owed", "two-factor-verify", go("/accounts/login/code/")),
    "two-factor set-up": Visit("admin", "two-factor-setup", go("/accounts/two-factor/")),
    "two-factor on": Visit("staff", "two-factor-setup", two_factor_on),
    "password change": Visit("lead", "password_change", go("/accounts/password/change/")),
    "password changed": Visit(
        "lead", "password_change_done", go("/accounts/password/change/done/")
    ),
    "password reset": Visit("anonymous", "password_reset", go("/accounts/password/reset/")),
    "password reset sent": Visit(
        "anonymous", "password_reset_done", go("/accounts/password/reset/sent/")
    ),
    "password reset link": Visit("anonymous", "password_reset_confirm", go(lambda w: w.reset_path)),
    "password reset link, used": Visit(
        "anonymous", "password_reset_confirm", go("/accounts/password/reset/MQ/bad-token/")
    ),
    "password reset done": Visit(
        "anonymous", "password_reset_complete", go("/accounts/password/reset/done/")
    ),
    # A team lead's pages.
    "lead dashboard": Visit("lead", R + "dashboard", go("/")),
    "start an assessment": Visit("lead", R + "new", go("/assessments/new/")),
    "wizard context": Visit("lead", R + "step", step(1)),
    "wizard dimension 1": Visit("lead", R + "step", step(2)),
    "wizard dimension 2": Visit("lead", R + "step", step(3)),
    "wizard dimension 3": Visit("lead", R + "step", step(4)),
    "wizard dimension 4": Visit("lead", R + "step", step(5)),
    "wizard outcome figures": Visit("lead", R + "step", step(6)),
    "wizard outcome figures, refused": Visit("lead", R + "step", figures_refused),
    "wizard review, agreeing scores": Visit("lead", R + "step", step(7)),
    "wizard review, questions open": Visit("other lead", R + "step", step(7, "half_done")),
    "wizard review, submit refused": Visit("other lead", R + "step", submit_refused),
    "workshop": Visit(
        "lead", R + "workshop", go(lambda w: f"/assessments/{w.draft.pk}/workshop/1/")
    ),
    "respondents": Visit(
        "lead", R + "respondents", go(lambda w: f"/assessments/{w.draft.pk}/respondents/")
    ),
    "respondents, refused": Visit("lead", R + "respondents", respondents_refused),
    "report with plan, respondents and benchmark": Visit(
        "lead", R + "report", go(lambda w: f"/assessments/{w.report.pk}/")
    ),
    "report of a draft": Visit("lead", R + "report", go(lambda w: f"/assessments/{w.draft.pk}/")),
    "plan, refused action": Visit("lead", R + "action-add", plan_refused),
    "assessment history": Visit(
        "lead", R + "history", go(lambda w: f"/assessments/{w.report.pk}/history/")
    ),
    "team page": Visit("lead", R + "team", go(lambda w: f"/teams/{w.report.team_id}/")),
    "team page, refused targets": Visit("lead", R + "team-targets", targets_refused),
    # An invited person's pages.
    "invitation": Visit(
        "anonymous", R + "invitation", go(lambda w: reverse(R + "invitation", args=[w.token]))
    ),
    "invitation, refused": Visit("anonymous", R + "invitation", invitation_refused),
    "invitation, unknown": Visit("anonymous", R + "invitation", go("/invitations/nope/", 404)),
    "respondent dashboard": Visit("respondent", R + "dashboard", go("/")),
    "respondent dimension 1": Visit("respondent", R + "step", step(2)),
    "respondent dimension 4": Visit("respondent", R + "step", step(5)),
    "respondent review": Visit("respondent", R + "step", step(7)),
    "report, as a colleague who answered": Visit(
        "colleague", R + "report", go(lambda w: reverse(R + "report", args=[w.report.pk]))
    ),
    # A consultant's pages.
    "consultant dashboard": Visit("consultant", R + "dashboard", go("/")),
    "organization page": Visit("consultant", R + "organization", go("/organizations/acme/")),
    "organization page, earlier quarter": Visit(
        "consultant", R + "organization", go(f"/organizations/acme/?quarter={Q1.key}")
    ),
    "compare, form only": Visit(
        "consultant", R + "compare", go("/organizations/acme/compare/?quarter=2026Q2", 400)
    ),
    "compare teams": Visit("consultant", R + "compare", go(compare_teams)),
    "compare quarters": Visit("consultant", R + "compare", go(compare_quarters)),
    "report, as a consultant": Visit(
        "consultant", R + "report", go(lambda w: f"/assessments/{w.report.pk}/")
    ),
    "team page, as a consultant": Visit(
        "consultant", R + "team", go(lambda w: f"/teams/{w.report.team_id}/")
    ),
    "import": Visit("consultant", R + "import", go("/organizations/acme/import/")),
    "import, problems": Visit("consultant", R + "import", import_problems),
    "upload too large": Visit(
        "consultant",
        R + "import",
        import_too_large,
        settings=(("IMPORT_MAX_BYTES", 1024), ("REQUEST_MAX_BYTES", 1024)),
    ),
    "pack start": Visit("consultant", R + "pack-start", go("/organizations/acme/packs/")),
    "pack queued": Visit("consultant", R + "pack-status", pack("queued")),
    "pack ready": Visit("consultant", R + "pack-status", pack("done")),
    "pack failed": Visit("consultant", R + "pack-status", pack("failed")),
    "webhooks": Visit("consultant", "webhooks:list", go("/organizations/acme/webhooks/")),
    "webhook endpoint": Visit(
        "consultant",
        "webhooks:endpoint",
        go(lambda w: reverse("webhooks:endpoint", args=["acme", w.webhook.pk])),
    ),
    "webhook secret rotated": Visit("consultant", "webhooks:rotate", secret_rotated),
    # The person's own settings: API tokens, the REST API's docs, the language.
    "API tokens": Visit("lead", "api-tokens", go("/accounts/tokens/")),
    "API token created": Visit("lead", "api-tokens", token_created),
    "API docs": Visit(
        "lead",
        "api-docs",
        api_docs,
        known=(
            "Swagger UI's own markup (drf-spectacular-sidecar's swagger-ui 5), which React "
            "draws after our template: heading-order, its tag headings are h3 under its h1 "
            "title; region, its information container lies outside the <main> it draws. "
            "(Its nested-interactive deep links are off: SWAGGER_UI_SETTINGS deepLinking.)"
        ),
    ),
    "language": Visit("lead", "language", go("/accounts/language/")),
    # Error pages.
    "not found": Visit("lead", R + "dashboard", go("/no-such-page/", 404)),
    "not allowed (admin without permission)": Visit(
        "staff", "admin:index", go("/admin/catalogue/question/", 403)
    ),
    "request refused (CSRF)": Visit("lead", "logout", csrf_refused),
    # The admin.
    "admin sign-in": Visit("anonymous", "admin:login", go("/admin/login/")),
    "admin index": Visit("admin", "admin:index", go("/admin/")),
    "admin question list": Visit("admin", "admin:index", go("/admin/catalogue/question/")),
    "admin question search": Visit(
        "admin", "admin:index", go("/admin/catalogue/question/?q=milestones")
    ),
    "admin question": Visit("admin", "admin:index", question_change_form),
}

# Named URLs that are not a page of their own: what they answer is a file, JSON or a
# redirect, or the page they show on a refusal is one of PAGES above.
NOT_PAGES = {
    "healthz": "plain text for the load balancer",
    "javascript-catalog": "JavaScript: the scripts' German (Django's JavaScriptCatalog)",
    "api-token-revoke": "POST only; redirects to the API tokens page",
    "logout": "POST only; signs out and redirects (its CSRF refusal is a page above)",
    R + "report-pdf": "a PDF",
    R + "export-json": "JSON",
    R + "export-csv": "CSV",
    R + "export-responses-csv": "CSV",
    R + "export-plan-csv": "CSV",
    R + "export-xlsx": "a workbook",
    R + "org-logo": "an image",
    R + "firm-logo": "an image",
    R + "pack-progress": "JSON for the status page's script",
    R + "pack-download": "a PDF (a gone file shows the status page, as 'pack ready')",
    R + "pack-retry": "POST only; redirects to the pack's status page",
    R + "submit": "POST only; redirects to the report or to the refused review (above)",
    R + "theme": "POST only; shows the report page (above) when refused",
    R + "action-edit": "POST only; shows the report page (above) when refused",
    R + "action-adopt": "POST only; redirects to the report's plan",
    R + "respondent-remove": "POST only; redirects to the respondents page",
    R + "respondent-resend": "POST only; redirects to the respondents page",
    R + "response-submit": "POST only; redirects to the dashboard or the report",
    R + "team-metrics": "POST only; shows the team page (above) when refused",
    "webhooks:active": "POST only; redirects to the endpoint page",
    "webhooks:delete": "POST only; redirects to the webhooks page",
    "webhooks:ping": "POST only; redirects to the endpoint page",
    "oidc_authentication_init": "redirects to the identity provider (404 unless configured)",
    "oidc_authentication_callback": "the identity provider's redirect back; signs in, redirects",
}


# Whole address spaces that answer no HTML page: the REST API answers JSON (its docs page,
# api-docs, is visited above), and Django's admin stands for its pages with its sign-in, index,
# change list and change form above.
NOT_PAGE_PREFIXES = {"api/v1/": "JSON, the REST API", "admin/": "Django admin, as above"}


def named_routes(patterns, namespace: str = "", prefix: str = "") -> dict[str, str]:
    """Every named URL of the app, with its route: python manage.py show_urls, in short."""
    found = {}
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found |= named_routes(entry.url_patterns, inner, route)
        elif isinstance(entry, URLPattern) and entry.name:
            found[namespace + entry.name] = route
    return found


def test_every_url_is_checked_or_excluded():
    visited = {visit.url_name for visit in PAGES.values()}
    every = named_routes(get_resolver().url_patterns)
    unchecked = {
        name: route
        for name, route in every.items()
        if name not in visited
        and name not in NOT_PAGES
        and not route.startswith(tuple(NOT_PAGE_PREFIXES))
    }
    assert unchecked == {}, "pages nobody checks: add them to PAGES, or say why not in NOT_PAGES"
    assert set(NOT_PAGES) <= set(every), "excluded names that no longer exist"


@pytest.mark.parametrize(
    "label",
    [
        pytest.param(label, marks=pytest.mark.xfail(strict=True, reason=visit.known))
        if visit.known
        else label
        for label, visit in PAGES.items()
    ],
)
def test_no_axe_violation(live_server, page: Page, world: World, settings, label: str):
    visit = PAGES[label]
    for name, value in visit.settings:
        setattr(settings, name, value)
    PERSONAS[visit.persona](page, live_server.url)
    visit.visit(page, live_server.url, world)
    assert_no_axe_violations(page, label)


def test_axe_runs_with_the_pages_own_csp_in_force(live_server, browser: Browser, transactional_db):
    """The check sees the page as people get it: the CSP header is there and enforced (an
    inline script is refused) while axe-core, put in through the DevTools protocol, runs.
    Without the policy (a context that bypasses it) the probe says so."""
    enforced = with_generous_timeouts(browser.new_context())
    page = enforced.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else 0)
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert (
        "unsafe-inline"
        not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    )
    assert inline_scripts_blocked(page)
    assert refused, "the browser reported no CSP violation for the inline script"
    page.evaluate(AXE.read_text(encoding="utf-8"))
    rules = page.evaluate("async () => (await axe.run(document)).passes.length")
    assert rules > 0  # axe-core ran, under the policy
    assert inline_scripts_blocked(page)  # and the policy still holds after it
    enforced.close()

    bypassed = with_generous_timeouts(browser.new_context(bypass_csp=True))
    page = bypassed.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert not inline_scripts_blocked(page)
    bypassed.close()
