from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from crossline.accounts.models import User


@task()
def invitation_send(*, user_id: int) -> None:
    from crossline.accounts.services import invitation_issue

    user = User.objects.select_related("organisation").get(pk=user_id)
    token = invitation_issue(user=user)
    link = f"{settings.CROSSLINE_BASE_URL}/account/invitation/{token}"
    send_mail(
        subject="You have been invited to Crossline",
        message=(
            f"{user.full_name},\n\n{user.invited_by or 'Your organisation admin'} has invited you to Crossline "
            f"for {user.organisation}.\n\nSet your password and set up your authenticator app here "
            f"(the link works once, for 7 days):\n{link}\n\nIf you did not expect this, tell your "
            "organisation admin.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
