"""The one state machine: each stateful model declares its transitions here; every change goes through ``run`` (or
``take``, for an object whose writes its owner's lock already serialises).

``run`` locks the row, checks that the action is allowed from the current state, lets the caller check rights and
prepare the change, saves the new state and writes exactly one ``AuditEvent`` (actor, time, from, to, comment).
Side effects that belong to the domain (notifications, charges, signals) stay in the app's services, after ``run``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .bulk import insert
from .models import AuditEvent


@dataclass(frozen=True)
class Transition:
    """One action: from any of ``sources`` to ``target`` (a state, or a function of the object for branching steps).

    ``who`` is the app's own tag for who may take the step; the machine does not interpret it.
    """

    action: str
    label: str | Promise
    sources: tuple[str, ...]
    target: str | Callable[[models.Model], str]
    who: str = ""
    needs_comment: bool = False

    def target_for(self, obj: models.Model) -> str:
        return self.target(obj) if callable(self.target) else self.target


class StateMachine:
    """The allowed transitions of one model's state field."""

    def __init__(
        self,
        model: type[models.Model],
        transitions: Iterable[Transition],
        *,
        field: str = "status",
        comment_max_length: int = 1000,
        missing_comment: str | Promise = "",
        lock_related: tuple[str, ...] = (),
        refusal_field: str = "action",
    ):
        self.model = model
        self.field = field
        self.transitions = {t.action: t for t in transitions}
        self.comment_max_length = comment_max_length
        self.missing_comment = missing_comment
        self.lock_related = lock_related
        self.refusal_field = (
            refusal_field  # the form/API field a step refused by the current state is reported on
        )

    # --- reading -----------------------------------------------------------------------------------------------

    def state(self, obj: models.Model) -> str:
        return getattr(obj, self.field)

    def state_label(self, state: str) -> str:
        return str(dict(self.model._meta.get_field(self.field).flatchoices).get(state, state))

    def step(self, action: str) -> Transition:
        try:
            return self.transitions[action]
        except KeyError:
            raise ValidationError({"action": [_("未知操作：%(action)s") % {"action": action}]}) from None

    def allows(self, obj: models.Model, action: str) -> bool:
        step = self.transitions.get(action)
        return step is not None and self.state(obj) in step.sources

    def available(self, obj: models.Model) -> list[Transition]:
        state = self.state(obj)
        return [t for t in self.transitions.values() if state in t.sources]

    def label(self, action: str) -> str:
        if action == "create":
            return _("创建")
        step = self.transitions.get(action)
        return str(step.label) if step else action

    def history(self, obj: models.Model, *, labels: dict | None = None) -> list[dict]:
        """The object's audit trail as plain rows for a page or the API, oldest first. ``labels`` names actions
        recorded outside the transitions (e.g. a charge's payment note)."""
        rows = []
        for event in AuditEvent.objects.for_object(obj).select_related("actor"):
            rows.append(
                {
                    "id": event.pk,
                    "at": event.created_at,
                    "action": event.action,
                    "action_label": str((labels or {}).get(event.action) or self.label(event.action)),
                    "from_state": event.from_state,
                    "from_label": self.state_label(event.from_state) if event.from_state else "",
                    "to_state": event.to_state,
                    "to_label": self.state_label(event.to_state) if event.to_state else "",
                    "actor": event.actor,
                    "actor_name": event.actor.get_full_name() if event.actor else "",
                    "comment": event.comment,
                    "data": event.data,
                }
            )
        return rows

    # --- changing ----------------------------------------------------------------------------------------------

    def lock(self, obj: models.Model) -> models.Model:
        """The object's row, re-read under a row lock (``FOR UPDATE`` on PostgreSQL; SQLite writes are serialised)."""
        rows = self.model._default_manager.select_for_update(of=("self",))
        if self.lock_related:
            rows = rows.select_related(*self.lock_related)
        return rows.get(pk=obj.pk)

    def check(
        self, obj: models.Model, step: Transition, refusal: Callable[[models.Model], str] | None = None
    ):
        """Refuse ``step`` unless the object is in one of its source states, in ``refusal(obj)``'s words if given."""
        if self.state(obj) in step.sources:
            return
        message = (
            refusal(obj)
            if refusal
            else _("%(object)s当前状态为“%(status)s”，不能%(action)s。")
            % {
                "object": self.model._meta.verbose_name,
                "status": self.state_label(self.state(obj)),
                "action": step.label,
            }
        )
        raise ValidationError({self.refusal_field: [message]})

    def clean_comment(self, step: Transition, comment: str | None) -> str:
        comment = (comment or "").strip()
        if step.needs_comment and not comment:
            raise ValidationError({"comment": [str(self.missing_comment or _("请填写理由。"))]})
        if len(comment) > self.comment_max_length:
            raise ValidationError(
                {"comment": [_("说明不能超过 %(n)s 个字。") % {"n": self.comment_max_length}]}
            )
        return comment

    def run(
        self,
        obj: models.Model,
        action: str,
        *,
        actor,
        comment: str | None = "",
        permitted: Callable[[models.Model, Transition], bool] | None = None,
        prepare: Callable[[models.Model, Transition], None] | None = None,
        data: dict | None = None,
        refusal: Callable[[models.Model], str] | None = None,
    ) -> models.Model:
        """Take ``action`` on ``obj``: lock, check rights (``permitted``) and state, ``prepare`` the row (set fields,
        validate parameters; may raise), save it in its new state and write the audit event. ``refusal`` words the
        error when the current state does not allow the step. Returns the locked, saved object."""
        step = self.step(action)
        with transaction.atomic():
            locked = self.lock(obj)
            if permitted is not None and not permitted(locked, step):
                raise PermissionDenied(_("您无权执行此操作。"))
            return self.take(
                locked, step, actor=actor, comment=comment, prepare=prepare, data=data, refusal=refusal
            )

    def take(
        self,
        locked: models.Model,
        step: Transition,
        *,
        actor,
        comment: str | None = "",
        prepare: Callable[[models.Model, Transition], None] | None = None,
        data: dict | None = None,
        refusal: Callable[[models.Model], str] | None = None,
    ) -> models.Model:
        """``run``'s step on an object whose writes the caller already serialises (its row, or the row of what owns
        it, locked in this transaction): check the state, ``prepare``, save in the new state, write the audit event."""
        self.check(locked, step, refusal)
        comment = self.clean_comment(step, comment)
        if prepare is not None:
            prepare(locked, step)
        source = self.state(locked)
        setattr(locked, self.field, step.target_for(locked))
        locked.save()
        AuditEvent.record(
            locked,
            step.action,
            actor=actor,
            from_state=source,
            to_state=self.state(locked),
            comment=comment,
            data=data,
        )
        return locked

    def record_created(
        self, obj: models.Model, *, actor, comment: str = "", data: dict | None = None
    ) -> AuditEvent:
        """The first audit event of a new object: from nothing to its initial state."""
        return AuditEvent.record(
            obj, "create", actor=actor, from_state="", to_state=self.state(obj), comment=comment, data=data
        )

    def record_created_many(self, objs: Iterable[models.Model], *, actor, comment: str = "") -> None:
        """``record_created`` for objects made together (e.g. a weekly booking series), in one insert."""
        insert(
            AuditEvent.build(obj, "create", actor=actor, to_state=self.state(obj), comment=comment)
            for obj in objs
        )


# --- many objects, one action ---------------------------------------------------------------------------------------

BULK_LIMIT = 200  # objects one bulk request may act on


@dataclass
class BulkOutcome:
    """What a bulk action did: the objects it changed, and each refused object with the reason."""

    done: list = field(default_factory=list)
    refused: list[tuple[object, str]] = field(default_factory=list)


def run_each(objs: Iterable, step: Callable[[object], object]) -> BulkOutcome:
    """``step`` on each object in its own transaction (so each keeps its own checks and audit event); a refusal is
    reported for that object and the others go on."""
    outcome = BulkOutcome()
    for obj in objs:
        try:
            with transaction.atomic():
                outcome.done.append(step(obj))
        except ValidationError as error:
            outcome.refused.append((obj, " ".join(error.messages)))
        except PermissionDenied as error:
            outcome.refused.append((obj, str(error) or _("您无权执行此操作。")))
    return outcome


def post_step(request, take: Callable[[str, str], object]) -> bool:
    """A page's posted step form (``action``, ``comment``): ``take(action, comment)``, with the refusal or the
    success as a message on the next page. Returns whether the step was taken."""
    from django.contrib import messages

    try:
        take(request.POST.get("action", ""), request.POST.get("comment", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, _("操作成功。"))
    return True
