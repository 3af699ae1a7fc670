"""What every page's frame (base.html) shows: the deployment, the visitor's access and menu, unread notices."""

from django.db.models import Count, Exists, Subquery

from yiqi.accounts.access import Access, access_for
from yiqi.core.memo import answers, ask, first_with_asked, prime, recalls, remembering
from yiqi.fees import statements
from yiqi.notifications.models import Notification
from yiqi.organizations.models import Deployment
from yiqi.registry import scoping
from yiqi.usage import totals

from .menu import Menu


def _menu_probes(access: Access) -> dict:
    """The menu's access rules that read the database, keyed as each rule remembers its answer, as querysets whose
    existence is the answer; rules the roles alone decide are answered here without a query."""
    key = access.user_id
    probes, known = {}, {}
    if access.staff_unit_ids:
        probes[("serves_instruments", key)] = scoping.served_instruments(access)
        if not access.is_platform_admin:
            probes[("lists_unit_charges", key)] = statements.statement_units(access)
    elif not access.is_platform_admin:
        known[("serves_instruments", key)] = known[("lists_unit_charges", key)] = False
    if not (access.is_platform_admin or access.is_evaluator):
        if access.staff_unit_ids or access.department_ids:
            probes[("sees_usage_totals", key)] = totals.units_for(access)
        else:
            known[("sees_usage_totals", key)] = False
    return probes, known


def _unread(access: Access):
    return Notification.objects.filter(recipient_id=access.user_id, read_at__isnull=True)


def _frame(access: Access) -> int:
    """Reads the deployment, the unread count and the menu's access rules in one query (they are asked on every
    page), with any counts the page asked ahead (``memo.ask``); returns the unread count. Outside a read request
    each is read alone."""
    if not remembering():
        return _unread(access).count()
    probes, known = _menu_probes(access)
    prime(known)
    unread = _unread(access).order_by().values("recipient_id").annotate(n=Count("pk")).values("n")
    questions = {("unread", access.user_id): Subquery(unread)}
    questions.update((key, Exists(probe.order_by())) for key, probe in probes.items())
    ask(questions)
    if not recalls("deployment"):
        row = first_with_asked(Deployment.objects.select_related("home_region").filter(pk=1))
        prime({"deployment": row or Deployment.unset()})
    return answers(questions)[("unread", access.user_id)] or 0


def platform(request):
    user = getattr(request, "user", None)
    access = access_for(user)
    unread = _frame(access) if access.is_authenticated else 0
    return {
        "deployment": Deployment.current(),
        "access": access,
        "menu": Menu(access),
        "unread_notifications": unread,
    }
