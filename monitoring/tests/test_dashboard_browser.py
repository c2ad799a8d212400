"""The staff dashboard in a real headless Chromium: it logs in, draws every figure,
refreshes itself, and writes nothing to the console."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tasks.models import ImportJob, ImportStatus
from users.models import Role
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Debian's chromium: Playwright's own browser download does not work on our machines.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SCREENSHOT = os.environ.get("DASHBOARD_SCREENSHOT", "")


@pytest.fixture
def browser():
    assert shutil.which(CHROMIUM) or Path(CHROMIUM).exists(), (
        f"No Chromium at {CHROMIUM}: `make chromium` installs Debian's (or set CHROMIUM)."
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def data():
    """Made before the browser starts: Playwright's event loop forbids the ORM in this thread."""
    UserFactory(username="staff", role=Role.ADMIN, password="dash-board-pass")
    UserFactory.create_batch(3, role=Role.MANAGER)
    UserFactory.create_batch(2, role=Role.USER, is_active=False)
    ImportJob.objects.create(
        file="imports/a.csv", original_name="people.csv", status=ImportStatus.RUNNING, total=200, processed=50
    )


def test_dashboard_shows_live_figures_without_console_errors(live_server, data, browser, settings):
    settings.DASHBOARD_REFRESH_SECONDS = 1
    page = browser.new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}/dashboard/")
    page.fill("#id_username", "staff")
    page.fill("#id_password", "dash-board-pass")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/dashboard/")

    assert page.text_content("#users-total") == "6"
    assert page.text_content("#users-inactive") == "2"
    roles = page.locator("#users-by-role li").all_text_contents()
    assert any(r.startswith("manager") and r.endswith("3") for r in roles), roles
    assert page.locator("#imports tbody tr").count() == 1
    assert page.locator("#imports progress").get_attribute("value") == "0.25"
    assert "people.csv" in page.text_content("#imports")
    # Requests per second needs two readings: the page fetches the figures again by itself.
    page.wait_for_function("document.getElementById('rps').textContent !== '…'", timeout=15_000)
    assert float(page.text_content("#rps")) >= 0
    endpoints = page.locator("#endpoints tbody tr").all_text_contents()
    assert any("GET /dashboard/" in row for row in endpoints), endpoints
    # A line needs two rates, so three readings: the per-second and p95 charts of the
    # figures' own endpoint, which every reading calls.
    page.wait_for_function(
        """[...document.querySelectorAll("#endpoints tbody tr")].some(
            (row) => row.textContent.includes("GET /api/v1/metrics/") && row.querySelectorAll("polyline").length === 2
        )""",
        timeout=15_000,
    )
    assert page.locator("#slowest tbody tr").count() >= 1
    assert page.text_content("#problem") == ""
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=True)
    assert problems == []
