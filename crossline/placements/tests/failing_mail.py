"""An e-mail backend whose server is down, for testing retries (an SMTP outage, not a mock of ours)."""

from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend


class Backend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")
