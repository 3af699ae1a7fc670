"""Voucher endpoints (``/api/v1/voucher-…``). Thin: scoping and rules come from ``services``."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from yiqi.accounts.access import AccessMixin
from yiqi.organizations.models import Department, Organization, Region
from yiqi.servicerecords.models import ServiceRecord

from . import serializers as s
from .services import claims, payments, presenters, programmes, providers, quotas, reports

REFUSED = {
    400: OpenApiResponse(description="输入无效或不符合计划规则（字段级中文说明）"),
    403: OpenApiResponse(description="无权操作"),
}


def pick(queryset: QuerySet, pk, field: str, message: str):
    """The row ``pk`` of ``queryset`` (already scoped to the caller), or a field-level error."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [message]})
    return found


class VoucherViewSet(AccessMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]

    def valid(self, serializer_class) -> dict:
        """The request body checked by ``serializer_class``: a copy of its validated fields, else a field-level 400.
        Detail steps look the object up first, so an outsider gets 404 (or 403) whatever the body says."""
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def respond(self, obj, code=status.HTTP_200_OK):
        return Response(self.get_serializer_class()(self.get_queryset().get(pk=obj.pk)).data, status=code)


@extend_schema(tags=["vouchers"])
@extend_schema_view(
    list=extend_schema(
        summary="创新券计划", description="所有登录用户可见：预算、上限、价格档与可抵扣比例、截止日期。"
    ),
    retrieve=extend_schema(summary="创新券计划详情"),
)
class ProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VoucherViewSet):
    serializer_class = s.ProgrammeSerializer

    def get_queryset(self):
        return (
            programmes.visible_programmes(self.access).select_related("authority").prefetch_related("bands")
        )

    @extend_schema(
        summary="设立创新券计划（主管机关）",
        description="总预算、单次申请与年度上限、价格档（up_to 为空表示不设上限）与可抵扣比例、使用与兑付截止日期；"
        "市县计划可指定上级计划和上级配套比例。",
        request=s.ProgrammeInputSerializer,
        responses={201: s.ProgrammeSerializer, **REFUSED},
    )
    def create(self, request):
        fields = self.valid(s.ProgrammeInputSerializer)
        authority = pick(
            Department.objects.all(), fields.pop("authority"), "authority", _("没有该主管机关。")
        )
        region = Region.objects.filter(code=fields.pop("region")).first()
        if region is None:
            raise ValidationError({"region": [_("没有该区划代码。")]})
        parent_id = fields.pop("parent", None)
        parent = pick(self.get_queryset(), parent_id, "parent", _("没有该上级计划。")) if parent_id else None
        bands = [(band.get("up_to"), band["covered_share"]) for band in fields.pop("bands")]
        programme = programmes.open_programme(
            self.access, authority=authority, region=region, parent=parent, bands=bands, **fields
        )
        return self.respond(programme, status.HTTP_201_CREATED)

    @extend_schema(
        summary="计划报表（主管机关）",
        description="预算、已发放、冻结、已抵扣、已核准兑付、已拨付、已过期，按企业和服务机构分列；与页面和 Excel 导出一致。",
        responses={200: s.ReportSerializer, 403: OpenApiResponse(description="不是该计划的主管机关")},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def report(self, request, pk=None, format=None):
        programme = self.get_object()
        if not programmes.is_authority(self.access, programme):
            raise PermissionDenied(_("只有计划主管机关可以查看报表。"))
        return Response(s.ReportSerializer(reports.programme_report(programme)).data)


@extend_schema(tags=["vouchers"])
@extend_schema_view(
    list=extend_schema(
        summary="创新券额度申请", description="企业看到本单位的申请；主管机关看到其计划的申请。"
    ),
    retrieve=extend_schema(summary="额度申请详情"),
)
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VoucherViewSet):
    serializer_class = s.ApplicationSerializer

    def get_queryset(self):
        return quotas.visible_applications(self.access).select_related("company")

    @extend_schema(
        summary="申请创新券额度（企业）",
        description="科技型中小企业以统一社会信用代码申请；金额不超过单次上限，累计不超过年度上限。",
        request=s.ApplicationInputSerializer,
        responses={201: s.ApplicationSerializer, **REFUSED},
    )
    def create(self, request):
        fields = self.valid(s.ApplicationInputSerializer)
        programme = pick(
            programmes.visible_programmes(self.access),
            fields.pop("programme"),
            "programme",
            _("没有该计划。"),
        )
        company = pick(
            Organization.objects.filter(pk__in=quotas.company_ids(self.access)),
            fields.pop("company"),
            "company",
            _("只能为本人所在单位申请。"),
        )
        application = quotas.apply(
            self.access, actor=request.user, programme=programme, company=company, **fields
        )
        return self.respond(application, status.HTTP_201_CREATED)

    @extend_schema(
        summary="审核额度申请（主管机关）",
        description="approve：批准 amount（默认申请金额），从预算中发放并核验企业资格；decline：须填写理由。",
        request=s.QuotaDecisionSerializer,
        responses={200: s.ApplicationSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def decide(self, request, pk=None, format=None):
        application = self.get_object()
        fields = self.valid(s.QuotaDecisionSerializer)
        application = quotas.decide(
            self.access,
            application,
            actor=request.user,
            approve=fields["decision"] == "approve",
            amount=fields.get("amount"),
            comment=fields.get("comment", ""),
        )
        return self.respond(application)


@extend_schema(tags=["vouchers"])
@extend_schema_view(
    list=extend_schema(
        summary="创新券账户与余额",
        description="余额由台账汇总得出。企业看到本单位的账户，主管机关看到其计划的账户。",
    ),
    retrieve=extend_schema(summary="账户余额"),
)
class AccountViewSet(VoucherViewSet):
    serializer_class = s.AccountSerializer

    def get_queryset(self):
        return quotas.visible_accounts(self.access).select_related("programme", "company").order_by("pk")

    def list(self, request, format=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.AccountSerializer(presenters.account_rows(page), many=True).data)

    def retrieve(self, request, pk=None, format=None):
        return Response(s.AccountSerializer(presenters.account_rows([self.get_object()])[0]).data)

    @extend_schema(
        summary="收回额度（主管机关）",
        description="企业资格被撤销等：收回未使用的余额，退回计划预算。",
        request=s.ClawbackSerializer,
        responses={200: s.AccountSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def clawback(self, request, pk=None, format=None):
        account = self.get_object()
        fields = self.valid(s.ClawbackSerializer)
        quotas.claw_back(self.access, account, actor=request.user, **fields)
        return Response(s.AccountSerializer(presenters.account_rows([account])[0]).data)


@extend_schema(tags=["vouchers"])
@extend_schema_view(
    list=extend_schema(
        summary="创新券服务机构", description="主管机关看到其计划的服务机构；单位人员看到本单位的登记。"
    ),
    retrieve=extend_schema(summary="服务机构详情"),
)
class ProviderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VoucherViewSet):
    serializer_class = s.ProviderSerializer

    def get_queryset(self):
        return providers.visible_providers(self.access).select_related("unit")

    @extend_schema(
        summary="登记为创新券服务机构（单位管理员）",
        description="统一社会信用代码、开户银行与账号、营业执照扫描件（按内容核验类型）；由主管机关审核。",
        request={"multipart/form-data": s.ProviderInputSerializer},
        responses={201: s.ProviderSerializer, **REFUSED},
    )
    def create(self, request):
        fields = self.valid(s.ProviderInputSerializer)
        programme = pick(
            programmes.visible_programmes(self.access),
            fields.pop("programme"),
            "programme",
            _("没有该计划。"),
        )
        unit = pick(
            Organization.objects.filter(pk__in=providers.registrar_unit_ids(self.access)),
            fields.pop("unit"),
            "unit",
            _("只能登记本人担任单位管理员的单位。"),
        )
        registration = providers.register(
            self.access, actor=request.user, programme=programme, unit=unit, **fields
        )
        return self.respond(registration, status.HTTP_201_CREATED)

    @extend_schema(
        summary="审核服务机构（主管机关）",
        description="approve 批准；reject 不予批准、suspend 暂停（须填写理由）。",
        request=s.ProviderDecisionSerializer,
        responses={200: s.ProviderSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def decide(self, request, pk=None, format=None):
        registration = self.get_object()
        fields = self.valid(s.ProviderDecisionSerializer)
        registration = providers.decide(self.access, registration, actor=request.user, **fields)
        return self.respond(registration)


@extend_schema(tags=["vouchers"])
@extend_schema_view(
    list=extend_schema(summary="创新券抵扣", description="付费企业、服务单位人员和主管机关可见。"),
    retrieve=extend_schema(summary="创新券抵扣详情"),
)
class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VoucherViewSet):
    serializer_class = s.PaymentSerializer

    def get_queryset(self):
        return payments.visible_payments(self.access).select_related("account", "record", "charge")

    @extend_schema(
        summary="用创新券支付服务（企业）",
        description="报价或已出账单的服务可用本单位余额抵扣：不超过计划的可抵扣比例、余额和使用截止日期；"
        "确认时冻结，出账时按账单抵扣，服务取消时释放。",
        request=s.PaymentInputSerializer,
        responses={201: s.PaymentSerializer, **REFUSED},
    )
    def create(self, request):
        fields = self.valid(s.PaymentInputSerializer)
        record = pick(
            ServiceRecord.objects.filter(user_organization_id__in=quotas.company_ids(self.access)),
            fields["record"],
            "record",
            _("没有本单位的该服务记录。"),
        )
        account = pick(
            payments.payable_accounts(self.access, record),
            fields["account"],
            "account",
            _("没有该创新券账户。"),
        )
        payment = payments.apply(
            self.access, record, actor=request.user, account=account, amount=fields["amount"]
        )
        return self.respond(payment, status.HTTP_201_CREATED)

    @extend_schema(
        summary="退回抵扣（主管机关）",
        description="尚未申请兑付的抵扣退回企业余额，须填写原因。",
        request=s.StepSerializer,
        responses={200: s.PaymentSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def refund(self, request, pk=None, format=None):
        payment = self.get_object()
        fields = self.valid(s.StepSerializer)
        payment = payments.refund(self.access, payment, actor=request.user, comment=fields.get("comment", ""))
        return self.respond(payment)


@extend_schema(tags=["vouchers"])
@extend_schema_view(
    list=extend_schema(
        summary="兑付申请", description="服务机构看到本单位的申请；主管机关看到其计划的申请，含风险提示。"
    ),
    retrieve=extend_schema(summary="兑付申请详情"),
)
class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VoucherViewSet):
    serializer_class = s.ClaimSerializer

    def get_queryset(self):
        return claims.visible_claims(self.access).select_related("provider__unit", "payment", "batch")

    @extend_schema(
        summary="申请兑付（服务机构单位管理员）",
        description="已完成且已缴费的服务，附服务合同和发票（按内容核验类型）；平台核对服务记录，一项服务只能兑付一次。",
        request={"multipart/form-data": s.ClaimInputSerializer},
        responses={201: s.ClaimSerializer, **REFUSED},
    )
    def create(self, request):
        fields = self.valid(s.ClaimInputSerializer)
        payment = pick(
            payments.visible_payments(self.access).filter(
                provider__unit_id__in=providers.registrar_unit_ids(self.access)
            ),
            fields["payment"],
            "payment",
            _("没有本单位的该项创新券抵扣。"),
        )
        claim = claims.submit(
            self.access,
            payment,
            actor=request.user,
            contract=fields["contract"],
            invoice=fields["invoice"],
        )
        return self.respond(claim, status.HTTP_201_CREATED)

    @extend_schema(
        summary="审核兑付申请（主管机关）",
        description="批次审核期间：approve 核准（计入兑付），reject 不予核准（须填写理由）。",
        request=s.ClaimDecisionSerializer,
        responses={200: s.ClaimSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def decide(self, request, pk=None, format=None):
        claim = self.get_object()
        fields = self.valid(s.ClaimDecisionSerializer)
        claim = claims.decide(
            self.access,
            claim,
            actor=request.user,
            approve=fields["decision"] == "approve",
            comment=fields.get("comment", ""),
        )
        return self.respond(claim)


@extend_schema(tags=["vouchers"])
@extend_schema_view(
    list=extend_schema(summary="兑付批次", description="每个计划每月一个批次，主管机关可见。"),
    retrieve=extend_schema(summary="兑付批次详情"),
)
class BatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VoucherViewSet):
    serializer_class = s.BatchSerializer

    def get_queryset(self):
        return claims.visible_batches(self.access)

    @extend_schema(
        summary="完成批次审核（主管机关）",
        description="批次内的申请都已审核后关闭审核。",
        request=None,
        responses={200: s.BatchSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def review(self, request, pk=None, format=None):
        return self.respond(claims.close_review(self.access, self.get_object(), actor=request.user))

    @extend_schema(
        summary="登记拨付（主管机关）",
        description="财政已拨付：核准的申请记入台账（拨付），此后批次和申请不能再更改。",
        request=s.PayoutSerializer,
        responses={200: s.BatchSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def pay(self, request, pk=None, format=None):
        batch = self.get_object()
        fields = self.valid(s.PayoutSerializer)
        batch = claims.mark_paid(self.access, batch, actor=request.user, **fields)
        return self.respond(batch)


urlpatterns = []


def register_routes(router):
    router.register("voucher-programmes", ProgrammeViewSet, basename="api-voucher-programme")
    router.register("voucher-applications", ApplicationViewSet, basename="api-voucher-application")
    router.register("voucher-accounts", AccountViewSet, basename="api-voucher-account")
    router.register("voucher-providers", ProviderViewSet, basename="api-voucher-provider")
    router.register("voucher-payments", PaymentViewSet, basename="api-voucher-payment")
    router.register("voucher-claims", ClaimViewSet, basename="api-voucher-claim")
    router.register("voucher-batches", BatchViewSet, basename="api-voucher-batch")
