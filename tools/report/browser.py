"""Headless Chromium for the report: the test opens the page in it, ``--screenshot`` saves the whole page.

Chromium and ChromeDriver are the Debian packages (``make system-deps``); selenium drives them. Nothing
here is imported by a plain ``make report``: selenium, and Pillow for ``colors``, are loaded on first use.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from shared.run import cleanup
from shared.run import UserError
from shared.run.io import atomic_path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--hide-scrollbars")
WIDTH = 1280
MAX_HEIGHT = 16000  # Chromium's screenshots grow unreliable beyond this


def missing() -> str | None:
    """Why the browser cannot start here (None when Chromium and ChromeDriver are both installed)."""
    absent = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    return f"{' and '.join(absent)} not installed (make system-deps installs Chromium and ChromeDriver)" \
        if absent else None


def start(profile: str | os.PathLike, width: int = WIDTH, height: int = 900):
    """A headless Chromium with a fresh profile in ``profile`` and the browser console log enabled."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--window-size={width},{height}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


def open_page(driver, page: str | os.PathLike) -> None:
    """Load a page from disk and wait until its images and audio metadata have arrived (or failed)."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(Path(page).resolve().as_uri())
    WebDriverWait(driver, 15).until(lambda d: d.execute_script(
        "return document.readyState === 'complete' && [...document.images].every(i => i.complete) && "
        "[...document.querySelectorAll('audio')].every(a => a.readyState >= 1 || a.error)"))


def full_page_png(driver, width: int = WIDTH) -> bytes:
    """The whole page as PNG bytes, ``width`` CSS pixels wide (the window is restored afterwards)."""
    size = driver.get_window_size()
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(int(height), MAX_HEIGHT))
    try:
        return driver.get_screenshot_as_png()
    finally:
        driver.set_window_size(size["width"], size["height"])


def save_png(png: bytes, path: str | os.PathLike, colors: int | None = None) -> Path:
    """Write ``png`` to ``path`` atomically; with ``colors``, as a ``colors``-colour palette PNG (smaller)."""
    with atomic_path(path) as tmp:
        if colors is None:
            tmp.write_bytes(png)
        else:
            import io

            from PIL import Image

            image = Image.open(io.BytesIO(png)).convert("RGB")
            image.quantize(colors=colors, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE) \
                .save(tmp, format="PNG", optimize=True)
    return Path(path)


def screenshot(page: str | os.PathLike, path: str | os.PathLike, width: int = WIDTH,
               colors: int | None = None) -> Path:
    """Open ``page`` in a fresh headless Chromium and save the full page as PNG at ``path``."""
    reason = missing()
    if reason:
        raise UserError(f"--screenshot needs a browser: {reason}")
    from selenium.common.exceptions import WebDriverException

    profile = tempfile.mkdtemp(prefix="report-chromium-")
    try:
        try:
            driver = start(profile, width)
        except WebDriverException as exc:
            raise UserError(f"Chromium did not start: {str(exc.msg or exc).splitlines()[0]}") from None
        process = getattr(getattr(driver, "service", None), "process", None)
        if process is not None:  # stopped by shared.run.cli.run even if quit() never runs (SIGTERM, SIGKILL of a step)
            cleanup.track_child(process)
        try:
            open_page(driver, page)
            png = full_page_png(driver, width)
        finally:
            driver.quit()
            if process is not None:
                cleanup.untrack_child(process)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return save_png(png, path, colors)
