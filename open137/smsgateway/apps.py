from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsGatewayConfig(AppConfig):
    name = "open137.smsgateway"
    verbose_name = _("SMS gateway")
