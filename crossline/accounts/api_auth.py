"""Bearer-token authentication for machine clients (DRF)."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from crossline.accounts.models import MachineClient


class MachineClientAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give the token as 'Authorization: Bearer <token>'.")
        client = (
            MachineClient.objects.select_related("organisation")
            .filter(token_hash=MachineClient.hash_token(header[1]))
            .first()
        )
        if client is None or not client.is_active:
            raise exceptions.AuthenticationFailed("The token is unknown, expired or revoked.")
        MachineClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        return client, client

    def authenticate_header(self, request):
        return self.keyword


class MachineClientScheme(OpenApiAuthenticationExtension):
    """The bearer token in the OpenAPI document."""

    target_class = "crossline.accounts.api_auth.MachineClientAuthentication"
    name = "machineClientToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A machine client's token, issued once by the organisation's admin."}
