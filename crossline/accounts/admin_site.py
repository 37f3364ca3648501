def mfa_protect_admin(site):
    """The admin site is for system administrators only, and only after MFA (AC-06)."""

    def has_permission(request):
        user = request.user
        return bool(user.is_active and user.is_superuser and user.is_verified())

    site.has_permission = has_permission
    site.site_header = "Crossline system administration"
    site.site_title = "Crossline system administration"
    return site
