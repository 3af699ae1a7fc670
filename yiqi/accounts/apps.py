from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yiqi.accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import on_login

        user_logged_in.connect(on_login, dispatch_uid="yiqi.accounts.sessions.on_login")
