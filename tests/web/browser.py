"""Drive `smart-agents web` in a real browser (Debian's chromium over WebDriver, selenium):
the list updates live without a reload, the task page cancels, a phone-sized viewport has no
sideways scrolling, screenshots of both views are saved.

Usage: browser.py LOGIN_URL TASK_ID GATE_FILE ARTIFACTS_DIR
"""
import os
import pathlib
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

login_url, task_id, gate, artifacts = sys.argv[1:5]
base = login_url.split("/login", 1)[0]
pathlib.Path(artifacts).mkdir(parents=True, exist_ok=True)


def wait_for(what, check, timeout=20.0):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = check()
            if last:
                return last
        except Exception as e:  # the page may be between states
            last = e
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def no_sideways_scrolling(driver, view):
    width = driver.execute_script("return document.documentElement.scrollWidth")
    inner = driver.execute_script("return window.innerWidth")
    assert inner == 390, f"{view}: viewport is {inner} px wide, not 390"
    assert width <= inner, f"{view}: the page is {width} px wide in a {inner} px viewport"


def tap_targets_big_enough(driver, view, selector):
    for el in driver.find_elements(By.CSS_SELECTOR, selector):
        h = el.rect["height"]
        assert h >= 44, f"{view}: {selector} is only {h} px high"


options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
profile = tempfile.mkdtemp(prefix="sa-chromium-")
for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=390,844"]:
    options.add_argument(flag)
driver = webdriver.Chrome(options=options, service=Service(executable_path="/usr/bin/chromedriver"))
try:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    # Without the token: the login page, and nothing about any task.
    driver.get(base + "/")
    assert driver.current_url.rstrip("/").endswith("/login"), driver.current_url
    assert task_id not in driver.page_source, "the login page shows a task"

    driver.get(login_url)
    wait_for("the list", lambda: driver.find_element(By.ID, f"t-{task_id}"))
    wait_for("the live stream", lambda: driver.find_element(By.ID, "live").text == "live")
    card = driver.find_element(By.ID, f"t-{task_id}")
    bar = card.find_element(By.CSS_SELECTOR, "progress")
    wait_for("progress 10", lambda: bar.get_attribute("value") in ("10", "10.0"))
    # A mark on this very page: a reload would wipe it.
    driver.execute_script("window.__notReloaded = true")
    pathlib.Path(gate).touch()
    wait_for("progress 60 pushed live",
             lambda: bar.get_attribute("value") in ("60", "60.0")
             and "second step" in card.find_element(By.CSS_SELECTOR, ".step").text)
    assert driver.execute_script("return window.__notReloaded === true"), "the page was reloaded"
    no_sideways_scrolling(driver, "list")
    tap_targets_big_enough(driver, "list", ".task a")
    driver.save_screenshot(os.path.join(artifacts, "web-list-390.png"))

    card.find_element(By.CSS_SELECTOR, "a").click()
    wait_for("the task page", lambda: driver.current_url.endswith(f"/tasks/{task_id}"))
    button = wait_for("a Cancel button", lambda: driver.find_element(By.CSS_SELECTOR, "#cancel button"))
    assert button.is_displayed() and button.text == "Cancel", button.text
    # The log's new lines arrive on the open page, with no reload.
    driver.execute_script("window.__taskPage = true")
    pathlib.Path(gate + "2").touch()
    wait_for("a new log line pushed live",
             lambda: "live-tail-42" in driver.find_element(By.CSS_SELECTOR, "#log pre").text)
    assert driver.execute_script("return window.__taskPage === true"), "the task page was reloaded"
    no_sideways_scrolling(driver, "task page")
    tap_targets_big_enough(driver, "task page", "button")
    driver.save_screenshot(os.path.join(artifacts, "web-task-390.png"))
    button.click()
    wait_for("the task cancelled",
             lambda: driver.find_element(By.CSS_SELECTOR, '[data-f="state"]').text == "cancelled")
    wait_for("the Cancel button gone", lambda: not driver.find_elements(By.CSS_SELECTOR, "#cancel"))
    driver.save_screenshot(os.path.join(artifacts, "web-task-cancelled-390.png"))
    print("all browser checks passed")
finally:
    driver.quit()
