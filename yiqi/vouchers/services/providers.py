"""Providers: a unit (or third-party testing institution) registers to accept a programme's vouchers with its
credit code, bank account and licence scan; the authority approves, rejects or suspends it."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiqi.accounts.access import Access
from yiqi.accounts.models import Role
from yiqi.core.uploads import DOCUMENT, UploadPurpose, check_upload
from yiqi.core.workflow import StateMachine, Transition
from yiqi.organizations.models import Organization
from yiqi.organizations.validators import normalize_credit_code, validate_credit_code

from ..models import Programme, ProviderRegistration
from .programmes import is_authority, programme_filter

P = ProviderRegistration.Status
PROVIDERS = StateMachine(
    ProviderRegistration,
    [
        Transition("approve", gettext_lazy("批准"), (P.SUBMITTED, P.SUSPENDED), P.APPROVED),
        Transition("reject", gettext_lazy("不予批准"), (P.SUBMITTED,), P.REJECTED, needs_comment=True),
        Transition("suspend", gettext_lazy("暂停"), (P.APPROVED,), P.SUSPENDED, needs_comment=True),
    ],
    missing_comment=gettext_lazy("请填写理由。"),
)
# A licence is a scan (image) or a PDF.
LICENCE = UploadPurpose(("pdf", "jpg", "jpeg", "png"), DOCUMENT.max_bytes)
BANK_ACCOUNT_RE = re.compile(r"^\d{8,34}$")
TEXT_FIELDS = {
    "legal_representative": 50,
    "registered_address": 200,
    "bank_name": 100,
    "account_name": 100,
}


def registrar_unit_ids(access: Access) -> set[int]:
    """Units whose admin may register them as providers."""
    return access.organizations_with(Role.UNIT_ADMIN)


def visible_providers(access: Access) -> QuerySet[ProviderRegistration]:
    """Authorities see their programmes' providers, unit staff their own registrations."""
    if not access.is_authenticated:
        return ProviderRegistration.objects.none()
    return ProviderRegistration.objects.filter(
        programme_filter(access) | Q(unit_id__in=access.staff_unit_ids)
    )


def approved_provider(programme: Programme, unit_id: int) -> ProviderRegistration | None:
    return ProviderRegistration.objects.filter(
        programme=programme, unit_id=unit_id, status=P.APPROVED
    ).first()


@transaction.atomic
def register(access: Access, *, actor, programme: Programme, unit: Organization, licence, **fields):
    if unit.pk not in registrar_unit_ids(access):
        raise PermissionDenied(_("只有本单位的单位管理员可以登记为创新券服务机构。"))
    errors: dict[str, list[str]] = {}
    values = {}
    for field, limit in TEXT_FIELDS.items():
        value = (fields.get(field) or "").strip()
        if not value:
            errors[field] = [_("此项为必填项。")]
        elif len(value) > limit:
            errors[field] = [_("不能超过 %(n)s 个字。") % {"n": limit}]
        values[field] = value
    account_no = re.sub(r"[\s-]", "", fields.get("bank_account") or "")
    if not BANK_ACCOUNT_RE.match(account_no):
        errors["bank_account"] = [_("银行账号应为 8 到 34 位数字。")]
    credit_code = normalize_credit_code(fields.get("credit_code") or "")
    try:
        validate_credit_code(credit_code)
    except ValidationError as error:
        errors["credit_code"] = error.messages
    else:
        if unit.credit_code and credit_code != unit.credit_code:
            errors["credit_code"] = [_("统一社会信用代码与本单位登记的不一致。")]
    if licence is None:
        errors["licence"] = [_("请上传营业执照或法人证书扫描件。")]
    else:
        try:
            checked = check_upload(licence, LICENCE, field="licence")
        except ValidationError as error:
            errors.update(error.message_dict)
    if (
        ProviderRegistration.objects.filter(programme=programme, unit=unit)
        .exclude(status=P.REJECTED)
        .exists()
    ):
        errors["programme"] = [_("本单位已登记该计划的服务机构。")]
    if errors:
        raise ValidationError(errors)
    registration = ProviderRegistration(
        programme=programme,
        unit=unit,
        credit_code=credit_code,
        bank_account=account_no,
        licence_name=checked.display_name,
        licence_type=checked.content_type,
        submitted_by=actor,
        **values,
    )
    registration.licence.save(checked.stored_name, licence, save=False)
    registration.save()
    PROVIDERS.record_created(registration, actor=actor)
    return registration


def decide(access: Access, registration: ProviderRegistration, *, actor, action: str, comment: str = ""):
    if not is_authority(access, registration.programme):
        raise PermissionDenied(_("只有计划主管机关可以审核服务机构。"))
    return PROVIDERS.run(registration, action, actor=actor, comment=comment)
