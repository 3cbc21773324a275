"""The course as a learner sees it: `perfkit lab --recorded` serves a copy of the course, a
headless Chromium opens 01-uptime, runs every cell from JupyterLab's Run menu, and the page
shows the navigation as links that open the next notebook, the figures as images and no
error. Skipped when Chromium, its driver or Selenium is missing (.ci/run installs them)."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import lab_server
import pytest
from conftest import ROOT

from perfkit.course import lab

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium (test extra) missing")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                       reason="chromium and chromium-driver are not installed"),
    pytest.mark.skipif(lab.jupyterlab_missing() != "", reason="JupyterLab is not installed"),
]

STEM = "01-uptime"  # short, reads recorded fixtures and a scenario, draws figures
#: Chromium with nothing of its own going to the network, in a fresh profile.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1000"]
#: JupyterLab settings for the test: every cell in the page (not only those scrolled to),
#: and no news fetched.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}

CODE_PROMPTS = """return Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')).map(
    e => e.innerText.trim())"""
OUTPUTS = """return Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')).map(
    e => [e.getAttribute('data-mime-type') || '', e.innerText])"""
IMAGES = """return Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img')).map(
    e => [e.naturalWidth, e.naturalHeight, e.src.slice(0, 22)])"""
MARKDOWN = """return Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell .jp-RenderedMarkdown')).map(
    e => [e.innerText, Array.from(e.querySelectorAll('a')).map(
        a => [a.innerText.trim(), a.getAttribute('href')])])"""


def _wait(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


def _click_menu(driver, menu: str, item: str) -> None:
    from selenium.webdriver.common.by import By

    bar = _wait(lambda: [e for e in driver.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item")
                         if e.text.strip() == menu], 30, f"the {menu} menu")
    bar[0].click()
    entry = _wait(lambda: [e for e in driver.find_elements(By.CSS_SELECTOR, ".lm-Menu-item")
                           if e.text.strip().startswith(item)], 10, f"{menu} > {item}")
    entry[0].click()


@pytest.fixture
def browser(tmp_path):
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def course_lab(tmp_path):
    settings = tmp_path / "lab-settings"
    for name, values in SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    # a copy of the course (--dir), so the page's autosave never writes into the repository
    server = lab_server.start(tmp_path, "--recorded", "--dir", str(tmp_path / "course"),
                              env={"JUPYTERLAB_SETTINGS_DIR": str(settings)})
    try:
        yield server
    finally:
        server.stop()


def test_a_notebook_runs_in_the_browser(course_lab, browser, tmp_path):
    stored = json.loads((ROOT / "notebooks" / f"{STEM}.ipynb").read_text(encoding="utf-8"))
    code_cells = sum(cell["cell_type"] == "code" for cell in stored["cells"])
    browser.get(f"{course_lab.base}/lab/tree/{STEM}.ipynb?token={course_lab.token}")
    _wait(lambda: len(browser.execute_script(CODE_PROMPTS)) == code_cells, 60,
          f"the {code_cells} code cells of {STEM}")
    _wait(lambda: "Idle" in browser.find_element("css selector", ".jp-StatusBar-Widget")
          .get_attribute("innerText") or "Idle" in browser.page_source, 60, "the kernel")

    _click_menu(browser, "Run", "Run All Cells")

    def finished():
        prompts = browser.execute_script(CODE_PROMPTS)
        failed = any("Traceback" in text for _, text in browser.execute_script(OUTPUTS))
        return failed or all(re.fullmatch(r"\[\d+\]:", p) for p in prompts)

    try:
        _wait(finished, 90, "every cell to run")
    finally:
        browser.save_screenshot(str(tmp_path / f"{STEM}.png"))

    outputs = browser.execute_script(OUTPUTS)
    errors = [text for mime, text in outputs if mime == "application/vnd.jupyter.stderr"]
    assert errors == [], "a cell shows an error or a warning:\n" + "\n".join(errors)
    prompts = browser.execute_script(CODE_PROMPTS)
    assert all(re.fullmatch(r"\[\d+\]:", p) for p in prompts), prompts
    printed = "\n".join(text for _, text in outputs)
    assert "RECORDED scenario 'cpu-saturation' (uptime)" in printed  # --recorded reached it
    assert "2.37 0.90 0.35 5/123 1" in printed  # tests/fixtures/uptime/proc-loadavg.txt

    images = browser.execute_script(IMAGES)
    assert len(images) >= 2
    for width, height, source in images:
        assert width > 100 and height > 100 and source.startswith("data:image/png")

    markdown = browser.execute_script(MARKDOWN)
    top, bottom = markdown[0], markdown[-1]
    expected = [("← 00 Start here", "00-start-here.ipynb"),
                ("02 dmesg and journalctl →", "02-dmesg.ipynb")]
    for text, links in (top, bottom):
        assert "<!--" not in text and "nav -->" not in text
        assert [(label, Path(href.split('?')[0]).name)
                for label, href in links[-2:]] == expected
    assert bottom[0].strip() == "← 00 Start here · 02 dmesg and journalctl →"

    # the next link opens the next notebook in JupyterLab
    from selenium.webdriver.common.by import By

    nav = browser.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) "
                                                 ".jp-MarkdownCell .jp-RenderedMarkdown")[-1]
    nav.find_elements(By.TAG_NAME, "a")[-1].click()
    _wait(lambda: [tab for tab in browser.find_elements(By.CSS_SELECTOR, ".lm-TabBar-tab")
                   if "02-dmesg.ipynb" in tab.text and "lm-mod-current" in
                   tab.get_attribute("class")], 30, "02-dmesg.ipynb to open")
