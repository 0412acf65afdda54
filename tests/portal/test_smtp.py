"""Mail leaves through Django's SMTP backend and reaches a real SMTP server (aiosmtpd on localhost)."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import send_mail


class Recorder:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield recorder
    controller.stop()


def test_it_delivers_a_chinese_message_over_smtp(smtp_server):
    send_mail("补正通知：请在5个工作日内补正材料", "您好：\n申请材料缺少营业执照复印件。", None, ["qiye@example.cn"])
    [envelope] = smtp_server.envelopes
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert envelope.rcpt_tos == ["qiye@example.cn"] and message["To"] == "qiye@example.cn"
    # Django 5.2 folds a long encoded subject right after "Subject:", which leaves a space when unfolded.
    assert message["Subject"].strip() == "补正通知：请在5个工作日内补正材料"
    assert message.get_content_charset() == "utf-8"
    assert "缺少营业执照复印件" in message.get_body(("plain",)).get_content()
    assert "北京中小企业惠企政策服务平台" in message["From"] and envelope.mail_from == "noreply@localhost"
