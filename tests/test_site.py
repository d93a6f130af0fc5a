"""``newsevent site``: the corpus built once per test run, checked page by page and link by link;
incremental rebuilds, feeds read by feedparser, and the site walked in headless Chromium."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest

import newsevent
from newsevent import _cli, _site, feeds
from tests.test_feeds_rules import check_feed

EDITIONS = ("en", "zh")
FEEDS = ("index_rss.xml", "index_atom.xml", "index_feed.json", "opinion_rss.xml")
EXTRA_FILES = {"style.css", _site.MANIFEST, *FEEDS}
BASE = "https://example.org/the-context/"


@pytest.fixture(scope="module")
def sites(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for edition in EDITIONS:
        target = tmp_path_factory.mktemp(f"site-{edition}")
        summary = _site.build(str(corpus / edition), str(target), jobs=2)
        assert summary.failed == 0
        out[edition] = target
    return out


@pytest.fixture(scope="module")
def published(
    corpus: Path, sites: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The feeds of each edition's site built again with ``--base-url``."""
    out = {}
    for edition in EDITIONS:
        target = tmp_path_factory.mktemp(f"feeds-{edition}")
        pages = _site.pages_of(str(corpus / edition))
        assert _site._write_feeds(str(target), pages, 50, BASE) == 4
        out[edition] = target
    return out


def _md_files(root: Path) -> list[str]:
    found = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            if name.endswith(".md"):
                found.append(os.path.relpath(os.path.join(folder, name), root)[:-3])
    return sorted(found)


def _files(root: Path) -> set[str]:
    return {
        os.path.relpath(os.path.join(folder, n), root)
        for folder, _dirs, names in os.walk(root)
        for n in names
    }


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_in_four_formats(corpus: Path, sites: dict[str, Path], edition: str) -> None:
    archive, out = corpus / edition, sites[edition]
    keys = _md_files(archive)
    # The editions as counted in the corpus folders: en 187 event pages, 11 + 11 day
    # pages, the front page twins, the opinion listing twins and the editorial.
    expected = {"en": 187 + 11 + 11 + 2 + 2 + 1, "zh": 6777 + 164 + 2545 + 2576 + 81 + 62 + 2}
    assert len(keys) == expected[edition]
    want = {k + s for k in keys for s in (".md", ".html", ".json", ".xml")} | EXTRA_FILES
    assert _files(out) == want
    for key in keys:
        assert (out / (key + ".md")).read_bytes() == (archive / (key + ".md")).read_bytes()


@pytest.mark.parametrize("edition", EDITIONS)
def test_pages_read_back_and_every_link_resolves(
    corpus: Path, sites: dict[str, Path], edition: str
) -> None:
    archive, out = corpus / edition, sites[edition]
    keys = _md_files(archive)
    resolver = _site.Resolver(set(keys))
    problems: list[str] = []
    outside = 0
    for key in keys:
        html_path = out / (key + ".html")
        html = html_path.read_text("utf-8")
        if newsevent.parse(html) != newsevent.load(archive / (key + ".md")):
            problems.append(f"{key}: the HTML reads back differently")
        doc = lxml.html.document_fromstring(html)
        for el in doc.xpath("//*[@href or @src]"):
            ref = el.get("href") or el.get("src")
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith(("/", "#")):
                url = el.get("data-url") or ref
                if el.tag == "a" and resolver.page(url, key) is not None:
                    problems.append(f"{key}: {ref} is in the archive but not relative")
                outside += "leaves-archive" in (el.get("class") or "").split()
                continue
            target = (html_path.parent / unquote(parts.path)).resolve()
            if not target.is_file() or out.resolve() not in target.parents:
                problems.append(f"{key}: {ref} does not resolve to a file in OUT")
    assert not problems, "\n".join(problems[:20])
    assert outside > 0


def _copy(corpus: Path, dest: Path, days: list[str]) -> None:
    zh = corpus / "zh"
    for name in ("index.md", "README.md"):
        shutil.copy(zh / name, dest / name)
    for day in days:
        shutil.copytree(zh / "news" / "2019" / "12" / day, dest / "news" / "2019" / "12" / day)


def _snapshot(root: Path) -> dict[str, tuple[int, int, bytes]]:
    out = {}
    for rel in _files(root):
        st = (root / rel).stat()
        out[rel] = (st.st_ino, st.st_mtime_ns, (root / rel).read_bytes())
    return out


def test_incremental_build_equals_a_clean_build(corpus: Path, tmp_path: Path) -> None:
    archive, out = tmp_path / "archive", tmp_path / "out"
    archive.mkdir()
    _copy(corpus, archive, ["19", "20"])
    first = _site.build(str(archive), str(out))
    before = _snapshot(out)
    again = _site.build(str(archive), str(out))
    assert (again.rendered, again.written) == (0, 0) and _snapshot(out) == before
    _copy(corpus, archive, ["21"])
    second = _site.build(str(archive), str(out), jobs=2)
    after = _snapshot(out)
    clean = tmp_path / "clean"
    _site.build(str(archive), str(clean))
    assert {k: v[2] for k, v in after.items()} == {
        rel: (clean / rel).read_bytes() for rel in _files(clean)
    }
    rewritten = {k for k, v in after.items() if before.get(k, (0, 0))[:2] != v[:2]}
    changed = {k for k, v in after.items() if k not in before or before[k][2] != v[2]}
    assert rewritten == changed
    day = len(list((archive / "news" / "2019" / "12" / "21").iterdir()))
    assert {k for k in changed if "/21/" in k} == {
        f"news/2019/12/21/{p.stem}{s}"
        for p in (archive / "news" / "2019" / "12" / "21").iterdir()
        for s in (".md", ".html", ".json", ".xml")
    }
    assert second.rendered == day + 2  # the new pages and the front page twins
    assert first.pages + day == second.pages


def _feed_entries(name: str, data: bytes, base: str | None) -> list[tuple[str, str, str]]:
    if name.endswith(".json"):
        doc = json.loads(data)
        return [(i["title"], i["url"], i["date_published"]) for i in doc["items"]]
    # A reader resolves a relative link against the address it fetched the feed from.
    headers = {"content-type": "application/atom+xml" if "atom" in name else "application/rss+xml"}
    if base is not None:
        headers["content-location"] = base + name
    parsed = feedparser.parse(data, response_headers=headers)
    assert parsed.bozo == 0, (name, parsed.get("bozo_exception"))
    return [(e.title, e.link, e.published) for e in parsed.entries]


@pytest.mark.parametrize("with_base", [False, True])
def test_feeds_are_read_by_feedparser(
    corpus: Path,
    sites: dict[str, Path],
    published: dict[str, Path],
    with_base: bool,
) -> None:
    served = "https://mirror.example/sub/"  # where a site without --base-url is served
    for edition in EDITIONS:
        out = published[edition] if with_base else sites[edition]
        assert sorted(n for n in os.listdir(out) if n in FEEDS) == sorted(FEEDS)
        for name in FEEDS:
            data = (out / name).read_bytes()
            entries = _feed_entries(name, data, None if with_base else served)
            if not name.endswith(".json"):
                parsed = feedparser.parse(data)
                assert parsed.feed.language == edition
            # (JSON has no base: a JSON Feed reader resolves a relative url as it can.)
            root = BASE if with_base else "" if name.endswith(".json") else served
            if name == "opinion_rss.xml":
                n = 1 if edition == "en" else 0
                assert len(entries) == n
                if n:
                    assert entries[0] == (
                        "The Post-Truth and the Context",
                        root + "opinion/2017/04/4/the-post-truth-and-the-context/README.html",
                        "Tue, 04 Apr 2017 00:00:00 +0000",
                    )
                continue
            assert len(entries) == 50
            newest = sorted(_site._dated(_site.pages_of(str(corpus / edition)), _site._EVENT_KEY))
            assert [link for _, link, _ in entries] == [
                root + quote(key, safe="/") + ".html" for _, key in newest[::-1][:50]
            ]
            for title, link, date in entries:
                assert link.startswith(root)
                page = newsevent.load(sites[edition] / unquote(link[len(root) :]))
                assert isinstance(page, newsevent.Event) and page.title == title
                stamp = dt.datetime.combine(page.date, dt.time(), dt.timezone.utc)
                assert date in (stamp.isoformat(), email.utils.format_datetime(stamp))


@pytest.mark.parametrize("with_base", [False, True])
def test_feeds_conform_to_their_specifications(
    sites: dict[str, Path], published: dict[str, Path], with_base: bool
) -> None:
    for edition in EDITIONS:
        out = published[edition] if with_base else sites[edition]
        for name in FEEDS:
            problems = check_feed(name, (out / name).read_bytes())
            if with_base or name.endswith("_atom.xml"):
                assert problems == [], (edition, name)
                continue
            # Without --base-url, RSS and JSON Feed break exactly one rule: relative links.
            items = len(feedparser.parse((out / name).read_bytes()).entries)
            if name.endswith(".json"):
                items = len(json.loads((out / name).read_bytes())["items"])
            assert len(problems) == items + name.endswith(".xml"), (edition, name)
            link = re.compile(r"(channel|item \d+): (<link>|url) '[^':]+' is not a URL")
            assert all(link.fullmatch(p) for p in problems), (edition, name, problems)
    # One feed id per edition: the editions were two parts of one site.
    ids = {
        lxml.etree.fromstring((sites[e] / "index_atom.xml").read_bytes()).findtext(
            "{http://www.w3.org/2005/Atom}id"
        )
        for e in EDITIONS
    }
    assert ids == {
        "tag:thecontext.net,2017:/index_atom.xml",
        "tag:thecontext.net,2017:/zh/index_atom.xml",
    }


def test_feed_api_over_events() -> None:
    events = [
        newsevent.Event(date=dt.date(2020, 1, d), title=f"Event {d}", slug=f"e{d}", body="B.")
        for d in (3, 1, 2)
    ]
    text = feeds.rss(events, base_url="https://example.org/site/", size=2)
    parsed = feedparser.parse(text)
    assert parsed.bozo == 0
    assert [(e.title, e.link, e.id) for e in parsed.entries] == [
        ("Event 3", "https://example.org/site/news/2020/01/3/e3.html", _tag(3)),
        ("Event 2", "https://example.org/site/news/2020/01/2/e2.html", _tag(2)),
    ]
    atom = feedparser.parse(feeds.atom(events, base_url="https://example.org/site"))
    assert atom.bozo == 0 and [e.id for e in atom.entries] == [_tag(3), _tag(2), _tag(1)]
    assert atom.entries[0].published == "2020-01-03T00:00:00+00:00"
    assert feeds.json_feed(events, base_url=BASE) == feeds.json_feed(
        reversed(events), base_url=BASE
    )
    with pytest.raises(ValueError, match="no slug"):
        feeds.atom([newsevent.Event(date=dt.date(2020, 1, 1), title="x")])


def _tag(d: int) -> str:
    return f"tag:thecontext.net,2020-01-0{d}:/news/2020/01/{d}/e{d}"


def test_command_line(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    _copy(corpus, archive, ["19"])
    (archive / "broken.md").write_text("### [2019-12-19](/news/2019/12/19/index.md)\n", "utf-8")
    code = _cli.main(["site", str(archive), "-o", str(tmp_path / "out"), "--jobs", "1"])
    err = capsys.readouterr().err
    pages = len(_md_files(archive))
    assert code == 1
    assert f"{archive / 'broken.md'}:2:1:" in err
    assert f"newsevent: {pages} pages, {pages} rebuilt, " in err
    assert ", 1 failed, " in err
    (archive / "broken.md").unlink()
    assert _cli.main(["site", str(archive), "-o", str(tmp_path / "out")]) == 0
    assert "0 failed" in capsys.readouterr().err
    blocked = tmp_path / "file"
    blocked.write_text("x")
    assert _cli.main(["site", str(archive), "-o", str(blocked / "out")]) == 1
    assert capsys.readouterr().err == (
        f"newsevent: cannot create output directory {blocked / 'out'}: Not a directory\n"
    )
    assert _cli.main(["site", str(archive), "-o", str(blocked)]) == 1
    assert capsys.readouterr().err == f"newsevent: cannot write {blocked}: a file, not a folder\n"
    # --base-url: every feed link absolute, each feed conforming; without it again, the
    # same four feeds with links relative to the site's root, and a word about it.
    out = tmp_path / "out"
    assert _cli.main(["site", str(archive), "-o", str(out), "--base-url", BASE]) == 0
    assert ", 4 files written, " in capsys.readouterr().err
    for name in FEEDS:
        assert check_feed(name, (out / name).read_bytes()) == []
    absolute = {name: (out / name).read_text("utf-8") for name in FEEDS}
    assert _cli.main(["site", str(archive), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert ", 4 files written, 0 failed, " in err
    assert err.endswith(
        "newsevent: no --base-url: feed links are relative to the site's root (give the "
        "address the site is published at for absolute links, as RSS 2.0 and JSON Feed "
        "1.1 ask)\n"
    )
    for name in FEEDS:
        relative = (out / name).read_text("utf-8")
        assert BASE not in relative and BASE in absolute[name]
    for bad in ("example.org", "file:///tmp/site"):
        assert _cli.main(["site", str(archive), "-o", str(out), "--base-url", bad]) == 2
        assert "--base-url must be an absolute http(s) URL" in capsys.readouterr().err


# ------------------------------------------------------------------ in a real browser


def _chromium() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )
    driver = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None
    )
    return (browser, driver) if browser and driver else None


def test_walk_the_site_in_chromium(
    sites: dict[str, Path], request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    found = _chromium()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium and chromium-driver are needed in CI (.ci/run installs them)")
        pytest.skip("chromium or chromedriver not installed (apt-get install chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    browser, driver_path = found
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    out = sites["zh"]
    try:
        driver.get((out / "index.html").as_uri())
        front = newsevent.load(out / "index.md")
        assert isinstance(front, newsevent.FrontPage)
        assert front.sections[0].entries[0].title in driver.find_element(By.TAG_NAME, "body").text
        # front page -> a day that lists an event with a related event in the archive
        days = driver.find_elements(By.CSS_SELECTOR, "section.section h2 a:not(.leaves-archive)")
        day_link = event_href = None
        for link in days:
            day_file = _here(link.get_attribute("href") or "")
            for href in lxml.html.parse(str(day_file)).xpath(
                "//article[contains(@class, 'entry')]//h3/a[not(contains(@class, 'leaves'))]/@href"
            ):
                target = (day_file.parent / unquote(href)).resolve()
                if _related_in_archive(target):
                    day_link, event_href = link, href
                    break
            if day_link is not None:
                break
        assert day_link is not None and event_href is not None
        day_link.click()
        day = newsevent.load(_here(driver.current_url).with_suffix(".md"))
        assert isinstance(day, newsevent.DayPage)
        assert driver.find_element(By.TAG_NAME, "h1").text == newsevent._model.day_label(day.date)
        # day -> the event
        event_link = driver.find_element(
            By.CSS_SELECTOR, f'article.entry h3 a[href="{event_href}"]'
        )
        event_link.click()
        ev = newsevent.load(_here(driver.current_url).with_suffix(".md"))
        assert isinstance(ev, newsevent.Event)
        assert driver.find_element(By.TAG_NAME, "h1").text == ev.title
        # event -> a related event in the archive -> its day -> the previous day
        related = [
            a
            for a in driver.find_elements(By.CSS_SELECTOR, "section.related a.title")
            if "leaves-archive" not in (a.get_attribute("class") or "")
        ]
        related[0].click()
        rel = newsevent.load(_here(driver.current_url).with_suffix(".md"))
        assert isinstance(rel, newsevent.Event)
        assert driver.find_element(By.TAG_NAME, "h1").text == rel.title
        driver.find_element(By.CSS_SELECTOR, "p.date a").click()
        its_day = newsevent.load(_here(driver.current_url).with_suffix(".md"))
        assert isinstance(its_day, newsevent.DayPage) and its_day.date == rel.date
        driver.find_element(By.CSS_SELECTOR, "nav.previous a").click()
        prev = newsevent.load(_here(driver.current_url).with_suffix(".md"))
        assert isinstance(prev, newsevent.DayPage) and prev.date < its_day.date
        assert driver.find_element(By.TAG_NAME, "h1").text == newsevent._model.day_label(prev.date)
        shot = Path(os.environ.get("NEWSEVENT_TEST_OUTPUT", tmp_path)) / "site-day.png"
        assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 0
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _related_in_archive(page: Path) -> bool:
    links = lxml.html.parse(str(page)).xpath("//section[@class='related']//a")
    return any("leaves-archive" not in (a.get("class") or "") for a in links)


def _here(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def test_feeds_module_documents_itself() -> None:
    import inspect

    assert (feeds.__doc__ or "").strip()
    for name in feeds.__all__:
        assert (inspect.getdoc(getattr(feeds, name)) or "").strip(), name


def test_docs_blocks_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import contextlib
    import io
    import re
    import subprocess
    import sys

    doc = Path(__file__).resolve().parent.parent / "docs" / "site.md"
    blocks = re.findall(r"```(\w+)\n(.*?)```", doc.read_text("utf-8"), re.DOTALL)
    assert [kind for kind, _ in blocks] == ["sh", "text", "python", "text"]
    (tmp_path / "archive").mkdir()
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    run = subprocess.run(
        ["bash", "-e", "-c", blocks[0][1]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert sorted(os.listdir(tmp_path / "site")) == sorted(EXTRA_FILES)
    out = io.StringIO()
    monkeypatch.chdir(tmp_path)
    with contextlib.redirect_stdout(out):
        exec(compile(blocks[2][1], str(doc), "exec"), {})
    assert out.getvalue() == blocks[3][1]


def test_adding_the_opinion_section_rebuilds_every_navigation_bar(
    corpus: Path, tmp_path: Path
) -> None:
    archive, out, clean = tmp_path / "archive", tmp_path / "out", tmp_path / "clean"
    archive.mkdir()
    _copy(corpus, archive, ["19"])
    _site.build(str(archive), str(out))
    assert "opinion/index.html" not in (out / "index.html").read_text("utf-8")
    shutil.copytree(corpus / "en" / "opinion", archive / "opinion")
    _site.build(str(archive), str(out))
    _site.build(str(archive), str(clean))
    assert {rel: (out / rel).read_bytes() for rel in _files(out)} == {
        rel: (clean / rel).read_bytes() for rel in _files(clean)
    }
    assert 'href="opinion/index.html"' in (out / "index.html").read_text("utf-8")
