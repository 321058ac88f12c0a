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
            [  # 及 joins two channels, 电视广播 is television and radio
                ("政府网站", "website"),
                ("政务新媒体", "new_media"),
                ("办公场所的LED屏", "other"),
                ("宣传栏", "bulletin_board"),
                ("《平潭时报》", "other"),
                ("电视", "other"),
                ("广播", "other"),
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
    ("sentence", "kept"),
    [
        ("根据《关于加强政府门户网站政策文件解读发布工作的通知》要求开展工作。", []),  # a document's title
        ("综合运用图文图表、在线访谈、H5等形式解读政策。", []),  # ways of explaining a policy
        ("积极拓展微信公众号等新媒体平台。", ["微信公众号"]),  # 新媒体平台 after 等 is the category
        ("优化网站页面设计，重新设计网站导航系统。", []),  # a site's pages, no site named
    ],
    ids=["document-title", "not-a-channel-list", "category-after-deng", "bare-website"],
)
def test_extract_platforms_leaves_out_what_is_not_a_platform(sentence: str, kept: list[str]) -> None:
    assert [n for n, _ in _platforms(sentence)] == kept


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
            [("各村（居）信息公告栏", "bulletin_board"), ("新闻发布会", "other"), ("媒体见面会", "other")],
        ),
        (  # 按时报送 is not a newspaper, a quoted slogan is not a site, 公示公告栏76条 is a site's column
            "二是按时报送信息，坚持“上网不涉密，涉密不上网”，其中公示公告栏76条。",
            [],
        ),
        (  # the “两微”平台 stands for the account the report names
            "充分发挥“两微”平台作用，“平潭文旅”官方新浪微博账号累计发布信息4537条。",
            [("“平潭文旅”官方新浪微博账号", "new_media")],
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


def _with_preamble(preamble: str, body: str) -> list[tuple[str, str]]:
    """Platforms of a report with ``preamble`` after its title and ``body`` as its first overview sub-item."""
    text = generate(61, "tab").text
    title_end = text.index("\n") + 1
    text = text[:title_end] + preamble + "\n" + text[title_end:]
    start, end = text.index("（一）主动公开"), text.index("（二）依申请公开")
    report = extract_text(text[:start] + "（一）主动公开\n\n" + body + "\n\n" + text[end:])
    return [(p.name, p.kind) for p in report.platforms]


def test_extract_platforms_keeps_the_portal_once_by_all_its_names() -> None:
    """With the report's own copy naming the portal, its other names (a list's 政府门户网站, a site named after
    the place, the site of the same government) are that portal; another government's portal stays."""
    platforms = _with_preamble(
        "本报告电子版可在示例县人民政府门户网站（www.example.gov.cn）下载。",
        "通过政府门户网站、政务微博等渠道发布信息。在“中国示例网”和“示例县人民政府网站”开设专栏，"
        "并通过省政府门户网站转发重要政策。",
    )
    assert platforms == [
        ("示例县人民政府门户网站", "website"),
        ("政务微博", "new_media"),
        ("省政府门户网站", "website"),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (  # an umbrella word stands for the accounts named
            "用好政务新媒体，开设“示例教育”微信公众号和“示例教育”抖音号。",
            [("“示例教育”微信公众号", "new_media"), ("“示例教育”抖音号", "new_media")],
        ),
        (  # a kind of account stands for the account of that kind; another kind stays
            "通过微信公众号发布信息200条，其中“示例发布”公众号推送解读30篇；通过微博发布信息50条。",
            [("“示例发布”公众号", "new_media"), ("微博", "new_media")],
        ),
        (  # umbrella words alone: one of them
            "加强政务新媒体管理，发挥“两微一端”平台作用。",
            [("政务新媒体", "new_media")],
        ),
        (  # quoted names closed by 等 in a sentence on new media as a whole are its accounts
            "依托“两微”矩阵，办好“示例消防”“示例应急”等账号，及时发布预警信息。",
            [("示例消防", "new_media"), ("示例应急", "new_media")],
        ),
        (  # in a sentence about one account they are its columns
            "优化公众号菜单，设置“办事指南”“政策问答”等栏目。",
            [("公众号", "new_media")],
        ),
        (  # an account named after its kind, with its owner
            "稿件被市国资委微信公众号“示例国资”转载；开设微信公众号（示例城建）。",
            [("市国资委微信公众号“示例国资”", "new_media"), ("微信公众号（示例城建）", "new_media")],
        ),
    ],
    ids=["umbrella", "kind-of-account", "umbrellas-alone", "accounts-closed-by-deng", "columns", "named-after-kind"],
)
def test_extract_platforms_names_new_media_once(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _platforms(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (  # the service centre by its names is one hall; newspapers in general stand for the paper named
            "在县政务服务中心设立政务公开专区，政务服务大厅窗口摆放资料；通过报刊和《示例日报》刊发政策解读。",
            [("县政务服务中心", "service_hall"), ("政务公开专区", "service_hall"), ("《示例日报》", "other")],
        ),
        (  # 广播电视 is one word, 电视广播 two; 及 between two channels splits them
            "充分利用广播电视、新闻网站、办公楼的电子屏及公示栏等渠道。",
            [
                ("广播电视", "other"),
                ("新闻网站", "website"),
                ("办公楼的电子屏", "other"),
                ("公示栏", "bulletin_board"),
            ],
        ),
        (  # quoted names sharing a suffix
            "在“信用示例”“信用某省”平台公示行政许可信息。",
            [("“信用示例”", "website"), ("“信用某省”平台", "website")],
        ),
        (  # a quoted name ending in a channel word; a channel word quoted as a term keeps its quotes
            "事项全部入驻“某省网上办事大厅”，按月做好“两馆”送达工作，通过“某镇之声”广播播报政策。",
            [("某省网上办事大厅", "website"), ("“两馆”", "other"), ("“某镇之声”广播", "other")],
        ),
        (  # press events and media, the verb before an item left out
            "全年召开了新闻发布会6场、政策吹风会2场，开展局长微访谈、做客电台等活动3次。",
            [("新闻发布会", "other"), ("政策吹风会", "other"), ("局长微访谈", "other"), ("电台", "other")],
        ),
        (  # where the public looks information up, and a handbook
            "群众可在办事窗口、网上办事大厅查阅办事指南，并发放《示例县惠企政策手册》。",
            [("办事窗口", "service_hall"), ("网上办事大厅", "website"), ("《示例县惠企政策手册》", "other")],
        ),
        (  # 以及 ends a list even after an item that is no channel word
            "通过热线电话、留言板以及网络直播间解答群众问题。",
            [("热线电话", "hotline"), ("网络直播间", "new_media")],
        ),
        (  # two channels joined by 和 after a preposition are a list; after another verb, words ("政府网站")
            "在县行政服务中心官网和“示例通”小程序上开设专区。规范政府网站和政务新媒体管理。",
            [("县行政服务中心官网", "website"), ("“示例通”小程序", "new_media"), ("政府网站", "website")],
        ),
        (  # the reading points of the archive and library are those halls
            "定期向县档案馆和图书馆报送文件，两馆的政府信息查阅点方便群众查阅。",
            [("县档案馆", "other"), ("图书馆", "other"), ("两馆", "other")],
        ),
        (  # another body's reading point is one
            "做好信息公开查阅场所的建设，并向市档案馆移送文件。在镇便民服务中心设置政府信息公开查阅点。",
            [("市档案馆", "other"), ("镇便民服务中心", "service_hall"), ("政府信息公开查阅点", "service_hall")],
        ),
        (  # the last item of a list ends with its first channel words; what follows it stands alone
            "在区政务服务中心、各街道便民服务中心设立政务公开专区。",
            [
                ("区政务服务中心", "service_hall"),
                ("各街道便民服务中心", "service_hall"),
                ("政务公开专区", "service_hall"),
            ],
        ),
        (
            "通过政府网站、政务微博、政务微信、今日头条号等平台发布信息。",
            [
                ("政府网站", "website"),
                ("政务微博", "new_media"),
                ("政务微信", "new_media"),
                ("今日头条号", "new_media"),
            ],
        ),
        (  # a list ends at 等 even when another follows in the same clause
            "积极利用电视、广播、报纸等传统媒体和微博等新媒体开展政策宣传。",
            [("电视", "other"), ("广播", "other"), ("报纸", "other"), ("微博", "new_media")],
        ),
        (  # a county's media centre and the village loudspeakers; a quoted Weibo account
            "在县融媒体中心、村大喇叭播发政策，“某区发布”政务微博同步推送。",
            [("县融媒体中心", "other"), ("村大喇叭", "other"), ("“某区发布”政务微博", "new_media")],
        ),
        (  # a channel with its former name is the channel named before
            "在网上办事大厅公开办事指南。与省政务服务网（原网上办事大厅）实现数据同源。",
            [("网上办事大厅", "website")],
        ),
        (  # an owner opening the line; boards counted are boards (a count of 条 is a site's column's items)
            "市政府门户网站发布信息8000余条，抖音号“某市发布”发布短视频200条，设立政务公开栏120个。",
            [("市政府门户网站", "website"), ("抖音号“某市发布”", "new_media"), ("政务公开栏", "bulletin_board")],
        ),
    ],
    ids=[
        "one-hall-and-paper",
        "media-words",
        "shared-suffix",
        "quoted-names",
        "events",
        "look-up",
        "yiji",
        "he-pair",
        "halls",
        "reading-points",
        "tail-item",
        "kinds-of-account",
        "two-lists",
        "media-centre",
        "former-name",
        "line-start-and-counts",
    ],
)
def test_extract_platforms_reads_how_reports_name_channels(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _platforms(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "整合政务服务热线，受理群众投诉。",  # a hotline that takes complaints
        "群众可通过12345热线反映诉求。",
        "“示例直通车”平台诉求统一流转办理。",  # a platform only for complaints
        "对长期未更新的“示例旧闻”公众号予以关停。",  # closed
        "《示例快报》系列专栏每周更新。",  # an account's column
        "分享到： 微信 微博 QQ空间",  # a page's share buttons
    ],
    ids=["complaint-hotline", "12345-complaints", "complaint-platform", "closed-account", "column", "share-bar"],
)
def test_extract_platforms_leaves_out_channels_not_serving_information(sentence: str) -> None:
    assert _platforms(sentence) == []


def test_extract_platforms_keeps_a_hotline_that_answers() -> None:
    sentence = "开通政策咨询热线，解答企业疑问120余次；依托12345便民服务平台解答群众政策咨询。"
    assert _platforms(sentence) == [("政策咨询热线", "hotline"), ("12345便民服务平台", "hotline")]


def test_extract_platforms_reads_the_forms_of_publishing_in_section_two() -> None:
    """A sub-item of section 二 on the forms of publishing names channels too."""
    text = generate(60, "tab").text
    at = text.index("三、收到和处理")
    forms = "（三）主动公开政府信息的主要形式\n1.门户网站 在示例县人民政府门户网站公开。2.开设政务公开栏。\n\n"
    report = extract_text(text[:at] + forms + text[at:])
    names = [p.name for p in report.platforms]
    assert "示例县人民政府门户网站" in names and "政务公开栏" in names


def test_extract_platforms_reads_a_heading_and_its_body_as_one_channel() -> None:
    """A numbered heading naming a channel and the channel its body's first clause names are one."""
    sentence = "1.开设信息公开栏 在局办公楼一楼电子显示屏，集中公开财政数据。2.政务微博 发布工作动态。"
    assert _platforms(sentence) == [("信息公开栏", "bulletin_board"), ("政务微博", "new_media")]


def test_extract_platforms_tells_the_bodys_portal_from_its_countys() -> None:
    """In a town's report (示例县城关镇), the county's portal and the town's site are two; a bare 政府网站 is one
    of them, not a third."""
    sentence = "通过县政府门户网站公开信息，在镇政府网站开设专栏，政府网站全年发布信息100条。"
    assert _platforms(sentence) == [("县政府门户网站", "website"), ("镇政府网站", "website")]
