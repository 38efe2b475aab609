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


# Appends an inline script and reports what the browser did with it. Under the app's CSP
# (script-src 'self', no 'unsafe-inline') it never runs and a securitypolicyviolation event
# says so; without a CSP, or with one that allows inline scripts, it runs at once.
INLINE_SCRIPT_PROBE = """() => new Promise((resolve) => {
  const blocked = (event) => {
    if (event.blockedURI !== "inline" || !event.effectiveDirective.startsWith("script-src")) {
      return;
    }
    document.removeEventListener("securitypolicyviolation", blocked);
    resolve({ran: false, directive: event.effectiveDirective});
  };
  document.addEventListener("securitypolicyviolation", blocked);
  const script = document.createElement("script");
  script.textContent = "window.__axeProbeRan = true;";
  document.head.appendChild(script);
  script.remove();
  if (window.__axeProbeRan) {
    document.removeEventListener("securitypolicyviolation", blocked);
    resolve({ran: true, directive: null});
  }
})"""


def inline_scripts_blocked(page) -> bool:
    """Whether the page's Content-Security-Policy is in force: an inline script is refused."""
    return page.evaluate(INLINE_SCRIPT_PROBE)["ran"] is False


def assert_no_axe_violations(page, context: str) -> None:
    """Run axe-core on the page as it is served, its Content-Security-Policy in force, and fail
    on any violation, whatever its impact (minor, moderate, serious or critical).

    axe-core goes in through Playwright's evaluate (the DevTools protocol), which the page's
    CSP does not govern, so no page needs a weaker policy for the check; the probe first
    proves that the policy still refuses inline scripts on this very page."""
    if not AXE.is_file():
        pytest.fail(
            f"axe-core is missing ({AXE}): the accessibility checks need the npm packages. "
            "Run `npm ci` (or `make test`, which installs them) and try again.",
            pytrace=False,
        )
    assert inline_scripts_blocked(page), f"{context}: the page's CSP does not block inline scripts"
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    ]
    assert not found, f"axe-core on {context}:\n" + "\n".join(found)
