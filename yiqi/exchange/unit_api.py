"""The API for units' own systems (``/api/v1/exchange/unit/``) and where the unit's administrator manages their
keys, webhooks and the delivery log (``/api/v1/exchange/keys/``, ``webhooks/``, ``deliveries/``).

A system sends ``Authorization: Unit-Key <key>``. Refusals are machine-readable: ``{"code": ..., "detail": ...}``
with ``key_invalid``, ``key_revoked``, ``key_expired`` (401), ``scope_missing`` (403), ``invalid_records`` (400, every
problem by index, id and field) and DRF's ``throttled`` (429) past the key's rate.
"""

from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from yiqi.accounts.access import AccessMixin
from yiqi.core.api import MomentField
from yiqi.core.validators import validate_plain_text
from yiqi.organizations.models import Organization
from yiqi.registry.api import InstrumentSerializer
from yiqi.servicerecords.models import ServiceKind, ServiceRecord, ServiceStatus
from yiqi.usage.models import UsageRecord

from .models import UnitKey, Webhook, WebhookDelivery, WebhookEvent
from .services import instrument_upserts, keys, service_upserts, upserts, webhooks

SCHEME = "Unit-Key"


class UnitSystem:
    """Who a key-authenticated request is: the unit's system, not a person."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    pk = None

    def __init__(self, key: UnitKey):
        self.key = key


class UnitKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].decode("latin-1") != SCHEME:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed({"code": "key_invalid", "detail": "Unit-Key <key>"})
        try:
            key = keys.authenticate(words[1].decode("ascii"))
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(
                {"code": "key_invalid", "detail": "Unit-Key <key>"}
            ) from error
        except keys.KeyRefused as refused:
            raise exceptions.AuthenticationFailed({"code": refused.code, "detail": str(refused)}) from refused
        if request.method not in permissions.SAFE_METHODS:  # GET requests never write
            keys.note_use(key)
        return UnitSystem(key), key

    def authenticate_header(self, request):
        return SCHEME


class UnitKeyScheme(OpenApiAuthenticationExtension):
    target_class = UnitKeyAuthentication
    name = "unitKeyAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=SCHEME)


class PerKeyThrottle(SimpleRateThrottle):
    """``YIQI_UNIT_KEY_RATE`` requests per key, counted in the shared cache."""

    scope = "unit_key"

    def get_rate(self):
        return settings.YIQI_UNIT_KEY_RATE

    def get_cache_key(self, request, view):
        return f"throttle_unit_key_{request.auth.pk}" if isinstance(request.auth, UnitKey) else None


class HasScope(permissions.BasePermission):
    def has_permission(self, request, view):
        if not isinstance(request.auth, UnitKey):
            return False
        try:
            keys.require_scope(request.auth, view.required_scope)
        except keys.KeyRefused as refused:
            raise exceptions.PermissionDenied({"code": refused.code, "detail": str(refused)}) from refused
        return True


class UnitSystemView:
    authentication_classes = [UnitKeyAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [PerKeyThrottle]


# --- what systems push and pull -----------------------------------------------------------------------------------


class UsageItemSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=64, help_text=_("单位系统自己的记录编号（幂等键）"))
    instrument = serializers.CharField(max_length=50, help_text=_("仪器的单位内部编号"))
    user_name = serializers.CharField(max_length=50)
    user_organization = serializers.CharField(
        max_length=18,
        required=False,
        allow_blank=True,
        help_text=_("使用人单位的统一社会信用代码（对外服务时）"),
    )
    purpose = serializers.ChoiceField(choices=UsageRecord.Purpose.choices)
    started_at = MomentField()
    ended_at = MomentField()
    machine_hours = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    sample_count = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=0)
    service_content = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    fee = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)


class UsageBatchSerializer(serializers.Serializer):
    records = UsageItemSerializer(many=True, allow_empty=False, max_length=upserts.MAX_BATCH)


OutcomeSerializer = inline_serializer(
    "UpsertOutcome",
    {
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
    },
)


class UpsertView(UnitSystemView, APIView):
    """One shape for every push: type the batch, hand it to the service, answer with counts or every problem."""

    batch_serializer: type[serializers.Serializer]
    id_field = "id"

    @staticmethod
    def upsert(key: UnitKey, items: list[dict]) -> upserts.Outcome:
        raise NotImplementedError

    def post(self, request, format=None):
        return answer_upsert(request, self.batch_serializer, self.upsert, self.id_field)


def answer_upsert(request, batch_serializer, upsert, id_field: str) -> Response:
    serializer = batch_serializer(data=request.data)
    if not serializer.is_valid():
        return Response(
            {"code": "invalid_records", "errors": _flat(serializer, request.data, id_field)}, status=400
        )
    try:
        outcome = upsert(request.auth, serializer.validated_data["records"])
    except upserts.BatchRefused as refused:
        return Response(
            {"code": "invalid_records", "detail": str(refused), "errors": refused.outcome.errors}, status=400
        )
    return Response({"created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged})


class UsageUpsertView(UpsertView):
    required_scope = UnitKey.Scope.WRITE_SERVICES
    batch_serializer = UsageBatchSerializer
    upsert = staticmethod(upserts.upsert_usage)

    @extend_schema(
        tags=["exchange"],
        summary="单位系统推送使用记录（按单位自己的编号幂等写入）",
        description="整批校验，任一条不通过则整批不写入，返回每条问题（index、id、field、message）；"
        "同一批次重发不改变任何数据。",
        request=UsageBatchSerializer,
        responses={200: OutcomeSerializer},
    )
    def post(self, request, format=None):
        return super().post(request, format)


class InstrumentItemSerializer(InstrumentSerializer):
    """An instrument as a unit's system sends it: the registry's fields and checks, the unit taken from the key and
    the unit's own number (``asset_number``) as the key of the upsert."""

    # Platform ids a unit's system does not know.
    unit = unit_name = parent = sub_unit = manager = category_name = None
    attachments = is_mandatory = available_actions = None

    class Meta(InstrumentSerializer.Meta):
        fields = [
            "asset_number", "kind", "name", "name_en", "category", "original_value", "source", "customs_supervised",
            "funding_source", "manufacturer", "country_of_origin", "model_spec", "technical_indicators",
            "main_functions", "application_fields", "service_content", "campus", "building", "room",
            "acceptance_date", "start_of_use_date", "contact_name", "contact_phone", "contact_email", "sharing_mode",
            "not_shared_reason", "operating_status", "open_policy", "usage_rules", "offers_self_operation",
            "offers_commissioned_testing",
        ]  # fmt: skip


class InstrumentBatchSerializer(serializers.Serializer):
    records = InstrumentItemSerializer(many=True, allow_empty=False, max_length=upserts.MAX_BATCH)


class InstrumentUpsertView(UpsertView):
    required_scope = UnitKey.Scope.WRITE_INSTRUMENTS
    batch_serializer = InstrumentBatchSerializer
    id_field = "asset_number"
    upsert = staticmethod(instrument_upserts.upsert_instruments)

    @extend_schema(
        tags=["exchange"],
        summary="单位系统推送仪器（按单位内部编号幂等写入）",
        description="新编号登记为草稿，已有编号按登记规则更正（审核中的记录不能由系统更正）。整批校验，任一条不通过则"
        "整批不写入，返回每条问题（index、id、field、message）；同一批次重发不改变任何数据。",
        request=InstrumentBatchSerializer,
        responses={200: OutcomeSerializer},
    )
    def post(self, request, format=None):
        return super().post(request, format)


def _flat(serializer, data, id_field: str) -> list[dict]:
    """The serializer's errors as the service reports them: one entry per problem, by index, id and field."""
    errors = serializer.errors.get("records", serializer.errors)
    if isinstance(errors, list) and all(isinstance(e, dict) for e in errors):
        errors = dict(enumerate(errors))
    elif not (isinstance(errors, dict) and all(isinstance(i, int) for i in errors)):
        errors = {None: {"records": errors}}  # the list itself: missing, empty, too long
    items = data.get("records") if isinstance(data, dict) else None
    found = []
    for index, fields in errors.items():
        item = items[index] if index is not None and isinstance(items, list) else None
        external_id = str(item.get(id_field, "")) if isinstance(item, dict) else ""
        for name, messages in fields.items():
            for message in messages if isinstance(messages, list) else [messages]:
                found.append({"index": index, "id": external_id, "field": name, "message": str(message)})
    return found


class ServiceChangeSerializer(serializers.ModelSerializer):
    instrument = serializers.CharField(source="instrument.asset_number", read_only=True)

    class Meta:
        model = ServiceRecord
        fields = [
            "id", "kind", "status", "instrument", "reference", "content", "planned_hours", "sample_count",
            "started_at", "ended_at", "hours", "completed_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ServiceItemSerializer(serializers.Serializer):
    """A booking or order as a unit's system sends it, with the person it served (see
    ``services.service_upserts``)."""

    id = serializers.CharField(max_length=64, help_text=_("单位系统自己的服务单号（幂等键）"))
    instrument = serializers.CharField(max_length=50, help_text=_("仪器的单位内部编号"))
    kind = serializers.ChoiceField(choices=[ServiceKind.SELF_OPERATION, ServiceKind.COMMISSIONED_TESTING])
    status = serializers.ChoiceField(
        choices=ServiceStatus.choices, help_text=_("进行中、已完成或未完成；已完成和未完成的记录不能再更改")
    )
    user_id = serializers.CharField(max_length=64, help_text=_("单位系统自己的用户编号"))
    user_name = serializers.CharField(max_length=50, validators=[validate_plain_text])
    user_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", validators=[validate_plain_text]
    )
    user_email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    user_organization = serializers.CharField(
        max_length=18, required=False, allow_blank=True, help_text=_("用户单位的统一社会信用代码（校外用户）")
    )
    reference = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    content = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    planned_hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal("0"), required=False, default=Decimal("0")
    )
    sample_count = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=0)
    started_at = MomentField(required=False, allow_null=True, default=None)
    ended_at = MomentField(required=False, allow_null=True, default=None)
    hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True, default=None
    )
    fee = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False, default=Decimal("0"),
        help_text=_("单位已收取的费用（元）"),
    )  # fmt: skip
    purpose = serializers.ChoiceField(choices=UsageRecord.Purpose.choices, required=False)


class ServiceBatchSerializer(serializers.Serializer):
    records = ServiceItemSerializer(many=True, allow_empty=False, max_length=upserts.MAX_BATCH)


class ChangesQuerySerializer(serializers.Serializer):
    since = MomentField(required=False, help_text=_("只返回此时间之后有变化的记录（ISO 8601）"))


@extend_schema_view(
    list=extend_schema(
        tags=["exchange"],
        summary="单位系统拉取本单位的服务记录变化",
        description="按更新时间排序；用上一页最后一条的 updated_at 作为下次的 since。",
        parameters=[ChangesQuerySerializer],
    ),
    create=extend_schema(
        tags=["exchange"],
        summary="单位系统推送预约与委托服务记录（按单位自己的编号幂等写入）",
        description="用户以单位系统自己的用户编号标识（平台为其建立不能登录的账号）；状态按服务记录的流程推进"
        "（进行中 → 已完成 / 未完成），已完成的记录带实际起止时间、机时和单位已收取的费用，生成使用记录。"
        "整批校验，任一条不通过则整批不写入，返回每条问题（index、id、field、message）；同一批次重发不改变任何数据。",
        request=ServiceBatchSerializer,
        responses={200: OutcomeSerializer},
    ),
)
class ServiceChangesViewSet(UnitSystemView, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Pull (GET, scope ``read``) and push (POST, scope ``write_services``) of the unit's service records."""

    serializer_class = ServiceChangeSerializer

    @property
    def required_scope(self):
        return UnitKey.Scope.WRITE_SERVICES if self.action == "create" else UnitKey.Scope.READ

    def create(self, request, format=None):
        return answer_upsert(request, ServiceBatchSerializer, service_upserts.upsert_services, "id")

    def get_queryset(self):
        key = self.request.auth
        if not isinstance(key, UnitKey):
            return ServiceRecord.objects.none()
        rows = ServiceRecord.objects.filter(unit_id=key.unit_id).select_related("instrument")
        query = ChangesQuerySerializer(data=self.request.query_params)
        if query.is_valid() and query.validated_data.get("since"):
            rows = rows.filter(updated_at__gt=query.validated_data["since"])
        return rows.order_by("updated_at", "pk")


# --- the unit administrator's side --------------------------------------------------------------------------------


class UnitKeySerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.filter(is_management_unit=True))
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=UnitKey.Scope.choices))
    days = serializers.IntegerField(write_only=True, required=False, min_value=1, max_value=366)

    class Meta:
        model = UnitKey
        fields = [
            "id",
            "unit",
            "name",
            "prefix",
            "scopes",
            "days",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "created_at",
        ]
        read_only_fields = ["prefix", "expires_at", "revoked_at", "last_used_at", "created_at"]


class IssuedKeySerializer(UnitKeySerializer):
    key = serializers.CharField(read_only=True, help_text=_("仅此一次显示"))

    class Meta(UnitKeySerializer.Meta):
        fields = [*UnitKeySerializer.Meta.fields, "key"]


@extend_schema(tags=["exchange"])
@extend_schema_view(
    list=extend_schema(summary="单位系统密钥（单位管理员）"),
    retrieve=extend_schema(summary="单位系统密钥详情"),
    create=extend_schema(
        summary="为单位系统生成密钥",
        description="返回的 key 仅此一次显示，平台只保存其 SHA-256 摘要。",
        responses={201: IssuedKeySerializer},
    ),
)
class SecretOnceViewSet(
    AccessMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Keys and webhooks: the service creates the row and hands back its secret, which this one answer shows; no
    later read carries it."""

    permission_classes = [permissions.IsAuthenticated]
    created_serializer_class: type[serializers.Serializer]
    secret_field: str

    def issue(self, data: dict):
        """The service's ``(row, secret)`` for the typed request."""
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row, secret = self.issue(serializer.validated_data)
        setattr(row, self.secret_field, secret)
        return Response(self.created_serializer_class(row).data, status=status.HTTP_201_CREATED)


class UnitKeyViewSet(SecretOnceViewSet):
    serializer_class = UnitKeySerializer
    created_serializer_class = IssuedKeySerializer
    secret_field = "key"

    def get_queryset(self):
        return keys.visible_keys(self.access)

    def issue(self, data):
        return keys.issue_key(
            self.access, unit=data["unit"], name=data["name"], scopes=data["scopes"], days=data.get("days"),
            actor=self.request.user,
        )  # fmt: skip

    @extend_schema(summary="停用密钥（立即生效）", request=None, responses={200: UnitKeySerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None, format=None):
        return Response(
            UnitKeySerializer(keys.revoke_key(self.access, self.get_object(), actor=request.user)).data
        )


class WebhookSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.filter(is_management_unit=True))
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), allow_empty=False
    )

    class Meta:
        model = Webhook
        fields = ["id", "unit", "url", "events", "is_active", "created_at"]
        read_only_fields = ["is_active", "created_at"]


class CreatedWebhookSerializer(WebhookSerializer):
    secret = serializers.CharField(read_only=True, help_text=_("签名密钥，仅此一次显示"))

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


@extend_schema(tags=["exchange"])
@extend_schema_view(
    list=extend_schema(summary="事件推送地址（单位管理员）"),
    retrieve=extend_schema(summary="事件推送地址详情"),
    create=extend_schema(
        summary="订阅事件推送",
        description="每次推送带 X-Yiqi-Timestamp 与 X-Yiqi-Signature（sha256=HMAC(secret, 时间戳.正文)）；"
        "接收方应拒绝签名不符或时间戳超出重放窗口的请求。secret 仅此一次显示。",
        responses={201: CreatedWebhookSerializer},
    ),
)
class WebhookViewSet(SecretOnceViewSet):
    serializer_class = WebhookSerializer
    created_serializer_class = CreatedWebhookSerializer
    secret_field = "secret"

    def get_queryset(self):
        return webhooks.visible_webhooks(self.access)

    def issue(self, data):
        return webhooks.create_webhook(
            self.access, unit=data["unit"], url=data["url"], events=data["events"], actor=self.request.user
        )

    @extend_schema(summary="停用事件推送", request=None, responses={200: WebhookSerializer})
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None, format=None):
        hook = webhooks.disable_webhook(self.access, self.get_object(), actor=request.user)
        return Response(WebhookSerializer(hook).data)


class DeliverySerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    url = serializers.CharField(source="webhook.url", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "webhook", "url", "event", "event_id", "status", "status_label", "attempts", "next_attempt_at",
            "response_status", "last_error", "created_at", "delivered_at", "payload",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["exchange"])
@extend_schema_view(
    list=extend_schema(
        summary="事件推送日志", description="每次推送的事件、状态、尝试次数、对方应答与错误。"
    ),
    retrieve=extend_schema(summary="事件推送详情"),
)
class DeliveryViewSet(AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DeliverySerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        rows = webhooks.visible_deliveries(self.access)
        wanted = self.request.query_params.get("status")
        return rows.filter(Q(status=wanted)) if wanted in WebhookDelivery.Status.values else rows


def register_routes(router) -> None:
    router.register("exchange/keys", UnitKeyViewSet, basename="api-exchange-key")
    router.register("exchange/webhooks", WebhookViewSet, basename="api-exchange-webhook")
    router.register("exchange/deliveries", DeliveryViewSet, basename="api-exchange-delivery")
    router.register("exchange/unit/services", ServiceChangesViewSet, basename="api-exchange-unit-services")
