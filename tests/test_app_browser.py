"""The what-if page in a real browser: ``ccsim app`` on a free port, headless Chromium moves the
containment slider, the saving grows, and the screenshot is not blank.

Skipped when chromium, chromedriver, selenium or streamlit is missing (CI installs Debian's
``chromium chromium-driver``; see tests/test_report_browser.py). ``CCSIM_SCREENSHOT_DIR`` keeps the
screenshots.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from app_fixtures import tiny_folder
from test_report_browser import CHROMEDRIVER, CHROMIUM, FLAGS, _keep

pytest.importorskip("streamlit")
pytest.importorskip("selenium")
pytestmark = pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None, reason="chromium and chromedriver are not installed")

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path: Path):
    """``ccsim app`` on the tiny folder, in its own process; stopped after the test."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    log = (tmp_path / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "simulator.cli", "app", str(tiny_folder(tmp_path / "scenarios")),
                             "--port", str(port), "--replications", "3"], stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            assert proc.poll() is None and time.time() < deadline, (tmp_path / "app.log").read_text()
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _driver(width: int):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for f in FLAGS:
        opts.add_argument(f)
    opts.add_argument(f"--window-size={width},1500")
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def _saving(driver) -> float | None:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    try:
        for m in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]'):
            if m.text.startswith("monthly saving"):
                return float(m.find_element(By.CSS_SELECTOR, '[data-testid="stMetricValue"]').text.replace(",", ""))
    except (WebDriverException, ValueError):  # the page redrew under us: look again
        return None
    return None


def _wait_for(what, timeout: float = 240):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = what()
        if value is not None:
            return value
        time.sleep(0.5)
    raise AssertionError("the page did not show the result in time")


def _not_blank(png: Path) -> None:
    from PIL import Image, ImageStat

    im = Image.open(png).convert("L")
    assert im.width >= 1000
    assert ImageStat.Stat(im).stddev[0] > 20, "the screenshot is (nearly) one colour"


def test_moving_containment_raises_the_saving_in_chromium(served: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = _driver(1400)
    try:
        driver.get(served + "/?levers=chatbot")
        before = _wait_for(lambda: _saving(driver))
        slider = driver.find_element(By.CSS_SELECTOR, 'input[type="range"][aria-label="containment"]')
        assert slider.get_attribute("value") == "0.3"
        for _ in range(30):  # 0.30 -> 0.60 in steps of 0.01
            slider.send_keys(Keys.ARROW_RIGHT)
        _wait_for(lambda: driver.find_element(By.CSS_SELECTOR, 'input[type="range"][aria-label="containment"]')
                  .get_attribute("value") == "0.6" or None, 30)
        after = _wait_for(lambda: (s if (s := _saving(driver)) is not None and s != before else None))
        assert after > before
        png = tmp_path / "app-1400.png"
        driver.save_screenshot(str(png))
        _not_blank(png)
        _keep(png, "app-1400.png")
    finally:
        driver.quit()
