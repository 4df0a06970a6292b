"""The HTML report in a real browser: Chromium, driven by Playwright, opens the written files.

The README example (the real PDFs of ../shared/realdata) is built once for this module; it is
looked at as a reader would: the sections and figures are drawn with a size, the answer and the
key figure sit in the first 1000 px, it fits a phone, and printing opens the folded parts. A
source title, DOI and claim carrying script payloads must come out as text that never runs.
Skipped, with the reason, where the playwright package or /usr/bin/chromium is missing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from synth.report.manifest import Manifest
from synth.report.render import render_report
from synth.settings import ReportSettings
from tests import report_samples as rs
from tests.test_manifest import sample_manifest

CHROMIUM = Path("/usr/bin/chromium")
SECTIONS = (
    "answer",
    "findings",
    "question",
    "verification",
    "tier",
    "dimensions",
    "corrections",
    "provenance",
    "sources",
    "claims",
    "limitations",
    "references",
    "reading",
)
# Each payload sets a flag and opens a dialog if it ever runs.
TITLE_PAYLOAD = 'Soft Targets <img src=x onerror="window.__pwned=1;alert(1)">'
DOI_PAYLOAD = '10.5555/x"><script>window.__pwned=2;alert(2)</script>'
CLAIM_PAYLOAD = "Students <script>window.__pwned=3;alert(3)</script> run 4.1x faster."


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium at /usr/bin/chromium under Playwright, one per module."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is absent")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian package 'chromium')")
    with sync_api.sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        except sync_api.Error as exc:
            pytest.skip(f"Chromium at {CHROMIUM} does not start: {str(exc).splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def readme_report(readme_report_run: dict[str, Any]) -> Path:
    """The README example's report folder (built once per session by `synth report`)."""
    return Path(readme_report_run["folder"])


class Watch:
    """What a page did that it must not: dialogs opened, errors raised, console messages."""

    def __init__(self, page: Any) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.console.append(m.text))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def _open(browser: Any, html: Path, width: int = 1200, height: int = 1000) -> tuple[Any, Watch]:
    page = browser.new_page(viewport={"width": width, "height": height})
    watch = Watch(page)
    page.goto(html.resolve().as_uri())
    page.wait_for_load_state("load")
    return page, watch


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0, selector
    return box  # type: ignore[no-any-return]


def _assert_inert(page: Any, watch: Watch) -> None:
    assert page.evaluate("window.__pwned") is None
    assert page.locator("script").count() == 0 and page.locator("img").count() == 0
    assert page.locator("[onerror], [onload], [onclick]").count() == 0
    assert watch.dialogs == [] and watch.errors == [] and watch.console == []


def _hostile(m: Manifest, key: str) -> Manifest:
    """The manifest with source `key`'s title and DOI and its first claim's text made hostile."""
    sources = [
        s.model_copy(update={"title": TITLE_PAYLOAD, "doi": DOI_PAYLOAD}) if s.key == key else s
        for s in m.sources
    ]
    first = next(i for i, c in enumerate(m.claims) if c.source == key)
    claims = list(m.claims)
    claims[first] = claims[first].model_copy(update={"text": CLAIM_PAYLOAD})
    return m.model_copy(update={"sources": sources, "claims": claims})


def _write_html(m: Manifest, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.html"
    path.write_text(render_report(m, ReportSettings(formats=["html"]))["html"], encoding="utf-8")
    return path


def _check_payloads_are_text(browser: Any, html: Path) -> None:
    page, watch = _open(browser, html)
    _assert_inert(page, watch)
    page.locator("#sources details > summary").first.click()
    assert page.locator("#sources table").get_by_text(TITLE_PAYLOAD).is_visible()
    page.locator("#references details > summary").first.click()
    references = page.locator("#references").inner_text()
    assert DOI_PAYLOAD.split("/", 1)[1] in references  # printed as text, not as a link
    assert page.locator('#references a[href*="script"]').count() == 0
    assert "<script>window.__pwned=3" in page.locator("#claims").text_content()
    _assert_inert(page, watch)
    page.close()


def test_payloads_in_a_sample_report_render_as_text_and_never_run(
    browser: Any, tmp_path: Path
) -> None:
    m = _hostile(sample_manifest(documents=rs.documents()), "S1")
    _check_payloads_are_text(browser, _write_html(m, tmp_path))


def test_sample_report_without_an_answer_leads_with_its_abstract_and_key_figure(
    browser: Any, tmp_path: Path
) -> None:
    page, watch = _open(browser, _write_html(sample_manifest(), tmp_path))
    lead = _box(page, "#answer .lead-abstract")
    key_figure = _box(page, "#fig-claims svg")
    assert lead["y"] < 1000 and key_figure["y"] + key_figure["height"] <= 1000
    assert page.locator("#fig-claims circle").count() == len(sample_manifest().claims)
    for section in SECTIONS:
        _box(page, f"#{section}")
    reviewers = page.locator("#tier table")
    assert not reviewers.is_visible()
    page.emulate_media(media="print")
    assert reviewers.is_visible() and not page.locator("nav.toc").is_visible()
    assert watch.errors == []
    page.close()


@pytest.mark.slow
def test_readme_report_shows_answer_and_key_figure_first(
    browser: Any, readme_report: Path, tmp_path: Path
) -> None:
    page, watch = _open(browser, readme_report / "report.html")
    shot = tmp_path / "readme-report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    for section in SECTIONS:
        _box(page, f"#{section}")
        assert page.locator(f"#{section} h2").first.is_visible(), section
    keys = page.locator("figure.fig").evaluate_all("els => els.map(e => e.id)")
    assert {"fig-claims", "fig-relevance", "fig-findings"} <= set(keys)
    for key in keys:
        svg = _box(page, f"#{key} svg")
        assert svg["width"] > 200 and svg["height"] > 60, key
        assert page.locator(f"#{key} figcaption").is_visible(), key
    manifest = json.loads((readme_report / "manifest.json").read_text())
    dots = page.locator("#fig-claims circle").count()
    assert dots == len(manifest["claims"])
    answer = _box(page, "#answer .answer-sentence")
    key_figure = _box(page, "#fig-claims svg")
    assert answer["y"] < 1000 and key_figure["y"] + key_figure["height"] <= 1000
    assert watch.dialogs == [] and watch.errors == []
    page.close()


@pytest.mark.slow
def test_readme_report_fits_a_phone_and_prints_unfolded(
    browser: Any, readme_report: Path, tmp_path: Path
) -> None:
    page, _ = _open(browser, readme_report / "report.html", width=390, height=844)
    page.screenshot(path=str(tmp_path / "phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert _box(page, "#fig-claims svg")["width"] <= 390
    evidence = page.locator("#claims ul.evidence").first
    assert not evidence.is_visible()  # folded on screen
    page.emulate_media(media="print")
    assert evidence.is_visible()  # printed open
    assert not page.locator("nav.toc").is_visible()
    page.close()


@pytest.mark.slow
def test_payloads_in_the_readme_report_render_as_text_and_never_run(
    browser: Any, readme_report: Path, tmp_path: Path
) -> None:
    m = Manifest.model_validate_json((readme_report / "manifest.json").read_text())
    used = next(s.key for s in m.sources if s.used)
    _check_payloads_are_text(browser, _write_html(_hostile(m, used), tmp_path))
