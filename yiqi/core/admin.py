"""Admin helpers shared by the apps."""


class ReadOnlyAdminMixin:
    """Shows records without letting the admin add, change or delete them: they change only through the app's
    ``services``, which check the rules and keep the audit trail. Works for ``ModelAdmin`` and inlines."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
