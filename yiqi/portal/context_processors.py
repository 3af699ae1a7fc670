"""What every page's frame (base.html) shows: the deployment, the visitor's access and menu, unread notices."""

from yiqi.accounts.access import access_for
from yiqi.organizations.models import Deployment

from .menu import Menu


def platform(request):
    user = getattr(request, "user", None)
    access = access_for(user)
    unread = 0
    if access.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {
        "deployment": Deployment.current(),
        "access": access,
        "menu": Menu(access),
        "unread_notifications": unread,
    }
