"""Playwright drives Debian's chromium (Playwright cannot download its own browser here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import BrowserContext, expect

from catalogue.models import MaturityModel

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Every wait is for a condition, never a fixed time; these only bound how long a condition may
# take before the test fails. Generous, because the suite runs in parallel (pytest-xdist) on
# shared machines, where drawing plotly's charts or rendering a PDF can take many seconds.
EXPECT_TIMEOUT_MS = 30_000
ACTION_TIMEOUT_MS = 60_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)
# Without these, chromium keeps trying to reach Google's services on a closed network.
QUIET_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": QUIET_FLAGS}


def with_generous_timeouts(context: BrowserContext) -> BrowserContext:
    """Clicks, navigations and downloads in this context may take up to ACTION_TIMEOUT_MS."""
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(ACTION_TIMEOUT_MS)
    return context


@pytest.fixture
def context(context: BrowserContext) -> BrowserContext:
    return with_generous_timeouts(context)


@pytest.fixture
def model_v0(transactional_db) -> MaturityModel:
    call_command("loaddata", "model_v0", verbosity=0)
    return MaturityModel.objects.get_by_natural_key("customer-onboarding", "v0")


def assert_no_serious_axe_violations(page, context: str) -> None:
    """Run axe-core on the page; fail on any violation of impact serious or critical."""
    if not AXE.is_file():
        pytest.fail(
            f"axe-core is missing ({AXE}): the accessibility checks need the npm packages. "
            "Run `npm ci` (or `make test`, which installs them) and try again.",
            pytrace=False,
        )
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]
    assert not serious, f"axe-core on {context}:\n" + "\n".join(serious)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script, which our CSP rightly blocks; the CSP itself
    # is checked by test_content_security_policy.py with a context that does not bypass it.
    return {**browser_context_args, "bypass_csp": True}
