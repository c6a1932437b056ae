"""The dashboard in a real browser: `streamlit run` on loopback, headless Debian chromium.

Loads each page, finds the tier 1 table and an account's reasons, and saves a screenshot
of each page that must not be blank. `.ci/run` installs chromium and chromedriver.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from PIL import Image, ImageStat

from tests.conftest import PROJECT_DIR, BuiltWarehouse

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
PAGES = {
    "targets": "Target accounts",
    "account": "Account",
    "icp": "Ideal customer profile",
    "market": "Market",
    "results": "Results",
    "data_health": "Data health",
}
# Screenshots go here when set (CI artifacts), else to pytest's temporary folder.
SCREENSHOT_DIR = os.environ.get("ABM_SCREENSHOT_DIR")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard_url(built_warehouse: BuiltWarehouse) -> Iterator[str]:
    assert built_warehouse.run_success, built_warehouse.failed_checks
    port = _free_port()
    env = {**os.environ, "ABM_SERVING_PATH": str(built_warehouse.serving_path)}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("streamlit")),
            "run",
            str(PROJECT_DIR / "dashboard" / "app.py"),
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--server.headless=true",
            "--browser.gatherUsageStats=false",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"streamlit exited: {process.stdout.read().decode()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not answer its health check")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromedriver are not installed (.ci/run installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1800",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _open(browser, url: str, title: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    wait = WebDriverWait(browser, 90)
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "h1"), title))
    # Rendering done: Streamlit's "running" indicator is gone.
    wait.until(
        lambda driver: not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
    )
    assert not browser.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')
    return wait


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _screenshot(browser, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    assert browser.save_screenshot(str(path))
    with Image.open(path) as image:
        gray = image.convert("L")
        stat = ImageStat.Stat(gray)
        # A blank page is one flat colour; a rendered page has text, tables and charts.
        assert stat.stddev[0] > 10, f"{name} screenshot looks blank (stddev {stat.stddev[0]})"
        assert len(gray.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 20
    return path


def _serving_row(built_warehouse: BuiltWarehouse, sql: str) -> tuple:
    with duckdb.connect(str(built_warehouse.serving_path), read_only=True) as con:
        return con.execute(sql).fetchone()


def test_targets_page_shows_the_tier_1_table(
    browser, dashboard_url, built_warehouse, screenshots
) -> None:
    from selenium.webdriver.common.by import By

    (name,) = _serving_row(
        built_warehouse,
        "select account_name from marts.account_targets_current where tier = 'tier_1' "
        "order by fit_score desc limit 1",
    )
    wait = _open(browser, f"{dashboard_url}/", PAGES["targets"])
    table = wait.until(
        lambda driver: driver.find_element(
            By.CSS_SELECTOR, '.st-key-tier_1_table [data-testid="stTable"]'
        )
    )
    assert name in table.text
    assert "Meets the tier_1 rule" in table.text or "tier_1" in table.text
    _screenshot(browser, screenshots, "targets")


def test_account_page_shows_the_reasons(
    browser, dashboard_url, built_warehouse, screenshots
) -> None:
    from selenium.webdriver.common.by import By

    account_id, reason = _serving_row(
        built_warehouse,
        "select account_id, tier_reason from marts.account_targets_current "
        "where tier = 'tier_1' order by fit_score desc limit 1",
    )
    wait = _open(browser, f"{dashboard_url}/account?account={account_id}", PAGES["account"])
    reasons = wait.until(
        lambda driver: driver.find_element(By.CSS_SELECTOR, ".st-key-account_reasons")
    )
    assert " ".join(reason.split()) in " ".join(reasons.text.split())
    _screenshot(browser, screenshots, "account")


@pytest.mark.parametrize("page", ["icp", "market", "results", "data_health"])
def test_other_pages_render(browser, dashboard_url, screenshots, page: str) -> None:
    _open(browser, f"{dashboard_url}/{page}", PAGES[page])
    _screenshot(browser, screenshots, page)
