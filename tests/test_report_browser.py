"""The report in a real headless browser (Debian's chromium): renders, no console errors, a screenshot.

CI installs the browser with ``apt-get install -y chromium chromium-driver``. With selenium and
chromedriver present the page is loaded through WebDriver and the browser's console log is read;
otherwise the chromium binary itself takes the screenshot and dumps the rendered DOM. The test is
skipped only when chromium is not installed. Set ``CCSIM_SCREENSHOT_DIR`` to keep the screenshot.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from simulator.output.report import write_compare_report, write_run_report
from simulator.studies.compare import Comparison
from simulator.studies.simulate import SimulationResult

from test_report import EVIL, base_result, comparison  # noqa: F401 - the module-scoped results of the report tests

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or "") if p and Path(p).exists()), None)
CHROMEDRIVER = next((p for p in ("/usr/bin/chromedriver", shutil.which("chromedriver") or "") if p and Path(p).exists()), None)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI: apt-get install -y chromium chromium-driver)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars"]


def _assert_not_blank(png: Path) -> None:
    from PIL import Image

    assert png.exists() and png.stat().st_size > 10_000, f"no screenshot at {png}"
    im = Image.open(png).convert("RGB")
    small = im.resize((140, max(1, im.height // 10)))
    colours = len(small.getcolors(maxcolors=1 << 20) or [])
    assert colours > 50, f"the screenshot looks blank ({colours} colours)"


def _keep(png: Path, name: str) -> None:
    keep = os.environ.get("CCSIM_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, Path(keep) / name)


def _driver(*arguments: str, log: bool = False):
    """Headless Debian chromium through chromedriver, with the suite's flags (and ``arguments``)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for f in (*FLAGS, *arguments):
        opts.add_argument(f)
    if log:
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def _selenium_check(html: Path, png: Path) -> list[dict]:
    driver = _driver("--window-size=1400,1000", log=True)
    try:
        driver.set_page_load_timeout(60)
        driver.get(html.resolve().as_uri())
        assert driver.execute_script("return document.readyState") == "complete"
        title = driver.execute_script("return document.querySelector('h1').textContent")
        images = driver.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1400, min(int(height) + 50, 16000))
        driver.save_screenshot(str(png))
        logs = driver.get_log("browser")
        alerted = driver.execute_script("return window.__ccsim_alerted || false")
    finally:
        driver.quit()
    assert images and all(ok and w > 0 for ok, w in images), f"an embedded chart did not load: {images}"
    assert alerted is False
    return [{"title": title, **e} for e in logs]


def _cli_check(html: Path, png: Path, tmp: Path) -> str:
    base = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}", "--enable-logging=stderr", "--v=0"]
    subprocess.run([*base, f"--screenshot={png}", "--window-size=1400,6000", html.resolve().as_uri()],
                   capture_output=True, text=True, timeout=120, check=False)
    dom = subprocess.run([*base, "--dump-dom", html.resolve().as_uri()], capture_output=True, text=True, timeout=120, check=False)
    console = [ln for ln in dom.stderr.splitlines() if "CONSOLE" in ln and ("ERROR" in ln or "Uncaught" in ln)]
    assert not console, "\n".join(console)
    return dom.stdout


def _check(html: Path, tmp: Path, name: str) -> None:
    png = tmp / name
    if CHROMEDRIVER is not None and _has_selenium():
        logs = _selenium_check(html, png)
        severe = [e for e in logs if e.get("level") == "SEVERE"]
        assert not severe, f"console errors: {severe}"
        assert logs == [] or all(e["title"] for e in logs)
    else:
        dom = _cli_check(html, png, tmp)
        assert "Executive summary" in dom and "&lt;script&gt;alert(1)" in dom
    _assert_not_blank(png)
    _keep(png, name)


def _has_selenium() -> bool:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return False
    return True


def test_run_report_renders_in_chromium(tmp_path: Path, base_result: SimulationResult) -> None:  # noqa: F811
    out = tmp_path / "run"
    out.mkdir()
    html = write_run_report(base_result, out)
    _check(html, tmp_path, "run-report.png")


def test_compare_report_renders_in_chromium(tmp_path: Path, comparison: Comparison) -> None:  # noqa: F811
    out = tmp_path / "compare"
    out.mkdir()
    html = write_compare_report(comparison, out)
    assert EVIL not in html.read_text(encoding="utf-8")
    _check(html, tmp_path, "compare-report.png")


@pytest.mark.skipif(CHROMEDRIVER is None, reason="chromedriver is not installed")
def test_compare_report_ranking_fits_a_phone(tmp_path: Path, comparison: Comparison) -> None:  # noqa: F811
    """At 390 px every column of the ranking stays on screen (rows become cards); the page does not
    scroll sideways."""
    out = tmp_path / "compare"
    out.mkdir()
    html = write_compare_report(comparison, out)
    driver = _driver()
    try:
        driver.set_window_size(1400, 900)  # on a desktop the ranking is a plain table
        driver.get(html.resolve().as_uri())
        desktop = driver.execute_script("const t = document.querySelector('table.ranking'); "
                                        "return [getComputedStyle(t).display, getComputedStyle(t.querySelector('thead')).display]")
        driver.set_window_size(390, 900)
        driver.get(html.resolve().as_uri())
        width = driver.execute_script("return document.documentElement.clientWidth")
        page = driver.execute_script("return document.documentElement.scrollWidth")
        cells = driver.execute_script(
            "return Array.from(document.querySelectorAll('table.ranking td')).map(td => td.getBoundingClientRect().right)")
        labels = driver.execute_script(
            "return getComputedStyle(document.querySelector('table.ranking td:nth-child(3)'), '::before').content")
        chart = driver.execute_script("return document.querySelector('img.chart').getBoundingClientRect().width")
    finally:
        driver.quit()
    assert desktop == ["table", "table-header-group"], desktop
    assert page <= width, (page, width)
    assert cells and max(cells) <= width + 1, (max(cells), width)
    assert "saving per month" in labels
    assert chart >= 700  # a chart keeps a legible width and scrolls inside its box, not the page
