import pytest
from click.testing import CliRunner
from localsite import article_page

from variorum import store
from variorum.cli import cli
from variorum.extract import extract
from variorum.htmlextract import ExtractionError, extract_html
from variorum.model import Extracted

PARAS = [
    "President Ilham Aliyev said on Tuesday that talks over the region had stalled.",
    "About 30,000 people died in the fighting between 1988 and 1994, officials said.",
    "The ceasefire, brokered by Russia, has been broken repeatedly since then.",
]

NEWS = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Aliyev says Karabakh talks stalled | Daily Example</title>
<meta property="og:title" content="Aliyev says Karabakh talks stalled">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-03-05T08:30:00Z">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<div class="ad">Advertisement: Buy the best shoes now, 50% off!</div>
<main><article>
<h1>Aliyev says Karabakh talks stalled</h1>
<p class="byline">By Jane Doe</p>
<p>President Ilham Aliyev said on Tuesday that talks over the Nagorno-Karabakh region had
stalled, and that about 30,000 people had died in the fighting between 1988 and 1994.</p>
<p>Some 120,000 Armenians lived in the region before the offensive, according to officials.</p>
<h2>Ceasefire under strain</h2>
<p>The ceasefire, brokered by Russia, has been broken repeatedly.
Officials said 10,000 fighters were mobilised last week.</p>
<ul><li>First point of the plan.</li><li>Second point of the plan.</li></ul>
<blockquote><p>"We will not accept this," he said.</p></blockquote>
<p>Reporting by Jane Doe; editing by John Roe.</p>
</article></main>
<section class="comments"><h3>Comments</h3>
<div class="comment"><p>Great article, totally agree with everything!</p></div></section>
<aside class="related"><h3>Related stories</h3>
<ul><li><a href="/a">Other story about something else entirely</a></li></ul></aside>
<footer><p>&copy; 2024 Daily Example. All rights reserved. Privacy policy.</p></footer>
</body></html>"""

NEWS_TEXT = """Aliyev says Karabakh talks stalled

President Ilham Aliyev said on Tuesday that talks over the Nagorno-Karabakh region had \
stalled, and that about 30,000 people had died in the fighting between 1988 and 1994.

Some 120,000 Armenians lived in the region before the offensive, according to officials.

Ceasefire under strain

The ceasefire, brokered by Russia, has been broken repeatedly. \
Officials said 10,000 fighters were mobilised last week.

First point of the plan.

Second point of the plan.

"We will not accept this," he said.

Reporting by Jane Doe; editing by John Roe."""


def test_news_page_main_text_and_metadata():
    assert extract_html(NEWS) == Extracted(
        NEWS_TEXT,
        title="Aliyev says Karabakh talks stalled",
        byline="Jane Doe",
        date="2024-03-05",
    )


def test_boilerplate_changes_do_not_change_the_text():
    a = extract_html(article_page("Talks stalled", PARAS))
    b = extract_html(article_page("Talks stalled", PARAS, noise="at 12:00:07, visitor 8812"))
    assert a == b
    assert a.text == "\n\n".join(["Talks stalled", *PARAS])


def test_short_breaking_item_keeps_navigation_out():
    # under 250 characters trafilatura's baseline rescue would paste "Home World" in front
    html = (
        "<html><body><div class=menu><a href=/>Home</a> <a href=/x>World</a></div>"
        "<div>Breaking: a fire broke out at 3 pm in the city centre, officials said.</div>"
        "<div class=footer>Contact us</div></body></html>"
    )
    assert extract_html(html).text == (
        "Breaking: a fire broke out at 3 pm in the city centre, officials said."
    )


def test_short_article_two_paragraphs():
    html = (
        "<html><head><title>Homes</title></head><body><nav><a href=/>Home</a></nav>"
        "<article><p>The council approved 12 new homes on Monday.</p>"
        "<p>It said work starts in May.</p></article><footer>Copyright 2024</footer></body></html>"
    )
    # "Copyright 2024" is no publication date: no date is guessed
    assert extract_html(html) == Extracted(
        "The council approved 12 new homes on Monday.\n\nIt said work starts in May.",
        title="Homes",
    )


SELECTOR_PAGE = """<html><head><title>Budget vote</title>
<meta name="author" content="Ann Lee"></head><body>
<div id="menu"><p>Home</p><p>Politics</p></div>
<div class="story">
  <h2>Budget passes</h2>
  <p>The assembly approved a budget of 4.5 billion&nbsp;euros.</p>
  <div class="story-more"><p>Turnout was 120&nbsp;000<br>voters.</p></div>
  <script>var tracking = 1;</script>
  <table><tr><th>Year</th><th>Seats</th></tr><tr><td>2023</td><td>120</td></tr></table>
  <p>Figures:<span> 41</span> for, <b>12</b> against.</p>
</div>
<div class="story"><p>Second box.</p></div>
<div id="footer"><p>Contact</p></div>
</body></html>"""


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (
            "div.story",
            "Budget passes\n\nThe assembly approved a budget of 4.5 billion\xa0euros.\n\n"
            "Turnout was 120\xa0000\nvoters.\n\nYear | Seats\n\n2023 | 120\n\n"
            "Figures: 41 for, 12 against.\n\nSecond box.",
        ),
        # a match inside another match is not repeated
        (
            ".story, .story-more",
            "Budget passes\n\nThe assembly approved a budget of 4.5 billion\xa0euros.\n\n"
            "Turnout was 120\xa0000\nvoters.\n\nYear | Seats\n\n2023 | 120\n\n"
            "Figures: 41 for, 12 against.\n\nSecond box.",
        ),
        ("div.story-more", "Turnout was 120\xa0000\nvoters."),
        ("#menu p:first-child", "Home"),
    ],
)
def test_selector_overrides_extraction(selector, expected):
    got = extract_html(SELECTOR_PAGE, selector=selector)
    assert got == Extracted(expected, title="Budget vote", byline="Ann Lee")


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        (".missing", "CSS selector '.missing' matched nothing on the page"),
        ("div[", "invalid CSS selector 'div['"),
    ],
)
def test_selector_errors(selector, message):
    with pytest.raises(ExtractionError) as e:
        extract_html(SELECTOR_PAGE, selector=selector)
    assert str(e.value).startswith(message)


@pytest.mark.parametrize("html", ["", "   \n", "<html><body></body></html>"])
def test_no_text(html):
    assert extract_html(html).text == ""


def test_xhtml_with_xml_declaration():
    html = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title></head>'
        '<body><div id="a"><p>One sentence with 5 figures.</p></div></body></html>'
    )
    assert extract_html(html, selector="#a").text == "One sentence with 5 figures."
    assert extract_html(html).text == "One sentence with 5 figures."


def test_extract_dispatches_html():
    assert extract(NEWS, "html").text == NEWS_TEXT


def test_ingest_local_html_file(tmp_path, db_path):
    src = tmp_path / "story.html"
    src.write_text(NEWS, encoding="utf-8")
    r = CliRunner().invoke(cli, ["--db", str(db_path), "ingest", str(src), "--article", "story"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == "story/v1: added"
    db = store.open_db(db_path)
    row = db.execute("select text, format from versions").fetchone()
    assert row == (NEWS_TEXT, "html")
