"""What every page shows: the menu, the footer, the language switch, the icon and each page's own title."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def menu(html: str) -> str:
    return html.split('id="nav"', 1)[1].split("</nav>", 1)[0]


def footer(html: str) -> str:
    return html.split("<footer", 1)[1].split("</footer>", 1)[0]


def test_it_links_the_public_announcement_from_the_menu_and_the_footer(client):
    html = client.get(reverse("measures:home")).content.decode()
    assert f'href="{reverse("applications:publicity")}"' in menu(html)
    assert f'href="{reverse("applications:publicity")}"' in footer(html)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_names_each_language_in_itself_on_the_switch(client, language):
    client.cookies["django_language"] = language
    html = client.get(reverse("measures:home")).content.decode()
    options = re.findall(r'<option value="([\w-]+)"[^>]*>([^<]+)</option>', html)
    assert options == [("zh-hans", "中文"), ("en", "English")]


def test_it_serves_an_icon_where_browsers_ask_for_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response).startswith(b"\x00\x00\x01\x00")  # an ICO file
    assert '<link rel="icon" href="/favicon.ico"' in client.get(reverse("measures:home")).content.decode()


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


@pytest.mark.parametrize(
    ("name", "kwargs", "signed_in", "expected"),
    [
        ("accounts:register_sent", {}, False, "请查收确认邮件"),
        ("accounts:password_reset", {}, False, "找回密码"),
        ("accounts:password_reset_done", {}, False, "重设密码邮件已发送"),
        ("accounts:password_reset_complete", {}, False, "密码已设置"),
        ("accounts:password_reset_confirm", {"uidb64": "MQ", "token": "x-y"}, False, "链接无效或已过期"),
        ("accounts:team", {}, True, "企业用户"),
        ("accounts:profile_history", {}, True, "企业信息修改记录"),
    ],
)
def test_each_page_has_a_title_of_its_own(client, name, kwargs, signed_in, expected):
    from tests.factories import EnterpriseUserFactory

    if signed_in:
        client.force_login(EnterpriseUserFactory())
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert title(response) == f"{expected} - 北京中小企业惠企政策服务平台"
