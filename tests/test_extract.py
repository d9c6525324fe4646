import pytest

from variorum.extract import detect_format, extract
from variorum.model import Extracted


@pytest.mark.parametrize(
    ("markdown", "text", "title"),
    [
        (
            "# Aliyev's *long* game\n\nSome 30,000 people were **killed**.\n",
            "Aliyev's long game\n\nSome 30,000 people were killed.",
            "Aliyev's long game",
        ),
        (
            "Intro paragraph\nwrapped here.\n\n## Personal dimension\nThe decision was personal.\n",
            "Intro paragraph\nwrapped here.\n\nPersonal dimension\n\nThe decision was personal.",
            None,
        ),
        (
            "- first item\n- second [link text](https://example.org) item\n\n1. one\n2. two\n",
            "first item\n\nsecond link text item\n\none\n\ntwo",
            None,
        ),
        (
            "Before ![a photo](p.jpg) after `code` and ~~gone~~ kept.\n",
            "Before  after code and gone kept.",
            None,
        ),
        (
            '<div class="ad">\nBuy now\n</div>\n\nReal text with <b>bold</b> tag.\n',
            "Real text with bold tag.",
            None,
        ),
        (
            "> Quoted line one.\n>\n> Quoted line two.\n\n---\n\nAfter rule.\n",
            "Quoted line one.\n\nQuoted line two.\n\nAfter rule.",
            None,
        ),
        (
            "---\ntitle: Front matter\ndate: 2023-09-19\n---\n# Real title\n\nBody.\n",
            "Real title\n\nBody.",
            "Real title",
        ),
        (
            "Title\n=====\n\nLine one  \nline two &amp; three\n\n\n\nLast.\n",
            "Title\n\nLine one\nline two & three\n\nLast.",
            "Title",
        ),
        (
            "| Year | Deaths |\n|---|---|\n| 1994 | 30,000 |\n",
            "Year\tDeaths\n\n1994\t30,000",
            None,
        ),
        ("```\ncode line\n\nsecond block\n```\n", "code line\n\nsecond block", None),
    ],
)
def test_markdown(markdown: str, text: str, title: str | None) -> None:
    assert extract(markdown, "md") == Extracted(text, title=title)


def test_txt_is_unchanged() -> None:
    text = "  # not markdown here\n\n**kept** as is\r\n"
    assert extract(text, "txt") == Extracted(text)


def test_html_goes_to_htmlextract(monkeypatch: pytest.MonkeyPatch) -> None:
    import variorum.htmlextract

    calls = []

    def fake(html: str) -> Extracted:
        calls.append(html)
        return Extracted("from html", title="T")

    monkeypatch.setattr(variorum.htmlextract, "extract_html", fake)
    assert extract("<p>x</p>", "html") == Extracted("from html", title="T")
    assert calls == ["<p>x</p>"]


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("a.html", "plain words", "html"),
        ("A.HTM", "plain words", "html"),
        ("a.md", "plain words", "md"),
        ("a.markdown", "plain", "md"),
        ("a.txt", "<!doctype html><html><p>x</p></html>", "txt"),
        ("a.txt", "# Heading\n\n## Another\n", "txt"),
        ("<stdin>", "<!DOCTYPE html>\n<html><body><p>x</p></body></html>", "html"),
        ("<stdin>", "\n  <html lang='en'><head></head></html>", "html"),
        ("page", "<div><p>a</p><p>b</p><p>c</p></div>", "html"),
        ("<stdin>", "# Title\n\nSome **bold** text.\n", "md"),
        ("<stdin>", "# Title\n\n## Section\n\nText.\n", "md"),
        ("<stdin>", "Title\n=====\n\n- item one\n- item two\n", "md"),
        ("<stdin>", "Plain article text. It has 3 < 5 and a #hashtag.\n", "txt"),
        ("<stdin>", "# only one heading-like line\n\nand plain text after it.\n", "txt"),
        ("<stdin>", "Some *stars* here and there.\n", "txt"),
        ("notes.csv", "a,b\n1,2\n", "txt"),
    ],
)
def test_detect_format(name: str, text: str, fmt: str) -> None:
    assert detect_format(name, text) == fmt
