from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    """Password sign-in as Django does it; permissions from roles and organisation kind only.

    Django's per-user and group permissions are not consulted: access is defined in
    `crossline.accounts.roles`, so that it is reviewed in one place.
    """

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(user_obj.crossline_permissions)

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)
