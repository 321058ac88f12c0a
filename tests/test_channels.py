"""Publishing platforms as reports name them: list items as printed, quoted accounts, owned sites; not a
document's title, a category after 等, a site's pages or a list of ways to explain a policy."""

from __future__ import annotations

import pytest

from extractor.synthetic import generate
from tests.conftest import extract_text


def _platforms(sentence: str) -> list[tuple[str, str]]:
    text = generate(60, "tab").text
    start = text.index("（一）主动公开")
    end = text.index("（二）依申请公开")
    report = extract_text(text[:start] + "（一）主动公开\n\n" + sentence + "\n\n" + text[end:])
    return [(p.name, p.kind) for p in report.platforms]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "主要通过政府网站、政务新媒体、办公场所的LED屏及宣传栏、《平潭时报》、电视广播等媒介进行公开。",
            [
                ("政府网站", "website"),
                ("政务新媒体", "new_media"),
                ("办公场所的LED屏及宣传栏", "bulletin_board"),
                ("《平潭时报》", "other"),
                ("电视广播", "other"),
            ],
        ),
        (
            "通过实验区政府门户网站累计主动公开政府信息7700余条，通过“平潭发布”公众号发布信息672条，并在政府公报刊登。",
            [("实验区政府门户网站", "website"), ("“平潭发布”公众号", "new_media"), ("政府公报", "other")],
        ),
        (
            "召开新闻发布会3场；在市政府网站开设专栏。",
            [("新闻发布会", "other"), ("市政府网站", "website")],
        ),
    ],
    ids=["publishing-list", "owned-and-quoted", "press-conference"],
)
def test_extract_platforms_names_them_as_printed(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _platforms(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "根据《关于加强政府门户网站政策文件解读发布工作的通知》要求开展工作。",  # a document's title
        "综合运用图文图表、在线访谈、H5等形式解读政策。",  # ways of explaining a policy
        "积极拓展微信公众号等新媒体平台。",  # 新媒体平台 after 等 is the category
        "优化网站页面设计，重新设计网站导航系统。",  # a site's pages, no site named
    ],
    ids=["document-title", "not-a-channel-list", "category-after-deng", "bare-website"],
)
def test_extract_platforms_leaves_out_what_is_not_a_platform(sentence: str) -> None:
    names = [n for n, _ in _platforms(sentence)]
    assert names in ([], ["微信公众号"])


def test_extract_platforms_keeps_one_name_for_one_account() -> None:
    assert _platforms("开通“平潭金井”微信公众号，及时通过公众号发布信息。") == [("“平潭金井”微信公众号", "new_media")]


def test_extract_platforms_reads_the_reports_own_copy() -> None:
    text = generate(61, "tab").text
    title_end = text.index("\n") + 1
    preamble = "本报告的电子版可在平潭综合实验区门户网站（www.pingtan.gov.cn）下载。\n"
    report = extract_text(text[:title_end] + preamble + text[title_end:])
    assert "平潭综合实验区门户网站" in [p.name for p in report.platforms]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (  # a verb before the channel word is no owner
            "截至目前我区政府网站共收到网友留言11条，已按时办结。",
            [("政府网站", "website")],
        ),
        (  # the two halls named in brackets are the platforms
            "按要求及时向“两馆”（档案馆、图书馆）报送主动公开文件。",
            [("档案馆", "other"), ("图书馆", "other")],
        ),
        (  # every village's boards; a count after an item does not end the list
            "通过各村（居）信息公告栏公示。全年召开新闻发布会8场、媒体见面会9场。",
            [("各村（居）信息公告栏", "bulletin_board"), ("新闻发布会", "other")],
        ),
        (  # 按时报送 is not a newspaper, a quoted slogan is not a site, 公示公告栏76条 is a site's column
            "二是按时报送信息，坚持“上网不涉密，涉密不上网”，其中公示公告栏76条。",
            [],
        ),
        (  # accounts behind a platform suffix are new media
            "充分发挥“两微”平台作用，“平潭文旅”官方新浪微博账号累计发布信息4537条。",
            [("“两微”平台", "new_media"), ("“平潭文旅”官方新浪微博账号", "new_media")],
        ),
        (  # a clause around a channel word is not its name
            "对运维不及时的政府网站、政务新媒体等进行通报。",
            [("政务新媒体", "new_media")],
        ),
    ],
    ids=["verb-is-no-owner", "two-halls", "village-boards-and-counts", "not-platforms", "accounts", "clause-item"],
)
def test_extract_platforms_reads_real_report_wording(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _platforms(sentence) == expected


def test_extract_platforms_keeps_one_portal_named_several_ways() -> None:
    """The government's portal, mentioned by several names in passing, is one platform: the one the report's
    own copy names. A publishing list's item and a department's own site stay."""
    text = generate(61, "tab").text
    title_end = text.index("\n") + 1
    preamble = "报告全文通过“平潭综合实验区党工委管委会”门户网站（https://www.pingtan.gov.cn）对外公布。\n"
    text = text[:title_end] + preamble + text[title_end:]
    start, end = text.index("（一）主动公开"), text.index("（二）依申请公开")
    body = (
        "在实验区政府门户网站发布信息120条，并在“中国平潭”政府门户网站开设专栏；"
        "通过“平潭综合实验区市场监督管理局”门户网站发布抽检信息。\n\n"
    )
    report = extract_text(text[:start] + "（一）主动公开\n\n" + body + text[end:])
    assert [p.name for p in report.platforms] == [
        "“平潭综合实验区党工委管委会”门户网站",
        "“平潭综合实验区市场监督管理局”门户网站",
    ]
