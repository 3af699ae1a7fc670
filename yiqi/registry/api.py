"""Instrument registry API. Thin: rights come from ``scoping``, rules and workflow from ``services``."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yiqi.accounts.access import access_for
from yiqi.accounts.models import User
from yiqi.core import codes
from yiqi.core.storage import private_file_response
from yiqi.organizations.models import Deployment, Organization, SubUnit

from . import deadlines, scoping, services
from .filters import InstrumentFilter
from .history import history_entries
from .models import Instrument, InstrumentAttachment, InstrumentCategory, RegistrationAction

WORKFLOW_ACTIONS = [(name, step.label) for name, step in services.MACHINE.transitions.items()]

# --- categories -------------------------------------------------------------------------------------------------


class CategoryFilter(django_filters.FilterSet):
    parent = django_filters.ModelChoiceFilter(label=_("上级分类"), queryset=InstrumentCategory.objects.all())
    level = django_filters.TypedChoiceFilter(
        label=_("级别"),
        choices=[(1, _("大类")), (2, _("中类")), (3, _("小类"))],
        coerce=int,
        method="filter_level",
    )

    class Meta:
        model = InstrumentCategory
        fields = []

    def filter_level(self, queryset, name, value: int):
        return queryset.filter(codes.level_q(value))


class CategorySerializer(serializers.ModelSerializer):
    level = serializers.IntegerField(read_only=True, help_text=_("1 大类，2 中类，3 小类"))
    path_name = serializers.CharField(read_only=True)

    class Meta:
        model = InstrumentCategory
        fields = ["code", "name", "parent", "level", "path_name"]


@extend_schema(tags=["categories"])
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The national classification tree of instruments (6-digit codes ``AABBCC``)."""

    queryset = InstrumentCategory.objects.select_related("parent__parent")
    serializer_class = CategorySerializer
    filterset_class = CategoryFilter
    lookup_value_regex = r"\d{6}"


# --- instruments ------------------------------------------------------------------------------------------------


class VisibleInstrumentField(serializers.PrimaryKeyRelatedField):
    """An instrument the requesting user can see (so ids of others' drafts reveal nothing)."""

    def get_queryset(self):
        return scoping.visible_instruments(self.context["access"], super().get_queryset())


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="download_name", read_only=True)
    content_type = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text=_("下载地址（与仪器记录同样的可见范围）"))

    class Meta:
        model = InstrumentAttachment
        fields = ["id", "kind", "title", "name", "content_type", "url"]

    def get_content_type(self, attachment: InstrumentAttachment) -> str:
        return attachment.content_type or "application/octet-stream"

    def get_url(self, attachment: InstrumentAttachment) -> str:
        url = reverse(
            "api-instrument-attachment",
            kwargs={"pk": attachment.instrument_id, "attachment_id": attachment.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class InstrumentSerializer(serializers.ModelSerializer):
    unit = serializers.PrimaryKeyRelatedField(
        label=_("管理单位"),
        queryset=Organization.objects.management_units(),
        error_messages={"does_not_exist": _("管理单位“{pk_value}”不存在。")},
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    parent = VisibleInstrumentField(
        label=_("所属设施/中心/服务单元"), queryset=Instrument.objects.all(), allow_null=True, required=False
    )
    sub_unit = serializers.PrimaryKeyRelatedField(
        label=_("所属内设机构"), queryset=SubUnit.objects.all(), allow_null=True, required=False
    )
    category = serializers.PrimaryKeyRelatedField(
        label=_("分类代码"),
        queryset=InstrumentCategory.objects.all(),
        help_text=_("6 位分类代码，宜填写最末级（小类）代码。"),
        error_messages={
            "does_not_exist": _("未知的分类代码“{pk_value}”。"),
            "incorrect_type": _("未知的分类代码：应为 6 位数字字符串。"),
        },
    )
    category_name = serializers.CharField(source="category.name", read_only=True)
    is_domestic = serializers.BooleanField(read_only=True, help_text=_("国产仪器：产地国别为中国"))
    attachments = AttachmentSerializer(label=_("照片与文档"), many=True, read_only=True)
    manager = serializers.PrimaryKeyRelatedField(
        label=_("机组负责人"), queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    is_mandatory = serializers.SerializerMethodField(help_text=_("原值达到平台门槛，必须入网"))
    available_actions = serializers.SerializerMethodField(
        help_text=_(
            "当前用户可执行的入网流程操作：submit、confirm、return、department_approve、department_decline、approve"
        )
    )

    class Meta:
        model = Instrument
        fields = [
            "id",
            "kind",
            "parent",
            "unit",
            "unit_name",
            "sub_unit",
            "asset_number",
            "name",
            "name_en",
            "category",
            "category_name",
            "original_value",
            "source",
            "customs_supervised",
            "funding_source",
            "manufacturer",
            "country_of_origin",
            "is_domestic",
            "domestic_original",
            "domestic_core_parts",
            "model_spec",
            "technical_indicators",
            "main_functions",
            "application_fields",
            "service_content",
            "campus",
            "building",
            "room",
            "acceptance_date",
            "start_of_use_date",
            "manager",
            "contact_name",
            "contact_phone",
            "contact_email",
            "sharing_mode",
            "not_shared_reason",
            "operating_status",
            "open_policy",
            "usage_rules",
            "offers_self_operation",
            "offers_commissioned_testing",
            "registration_status",
            "registration_due",
            "registration_due_estimated",
            "is_mandatory",
            "published_at",
            "created_at",
            "updated_at",
            "available_actions",
            "attachments",
        ]
        read_only_fields = ["registration_status", "published_at", "created_at", "updated_at"]
        # The model's default (China) is for the form, where people see it; a client that leaves it out is told.
        extra_kwargs = {"country_of_origin": {"required": True}}
        # The model reports an (unit, asset_number) clash on ``asset_number`` when the service validates.
        validators = []

    @property
    def _access(self):
        return self.context["access"]

    def _deployment(self) -> Deployment:
        # One query per request, shared by every row of a list (the context belongs to the root serializer).
        if "deployment" not in self.context:
            self.context["deployment"] = Deployment.current()
        return self.context["deployment"]

    def get_is_mandatory(self, instrument: Instrument) -> bool:
        return deadlines.is_mandatory(instrument, self._deployment())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, instrument: Instrument) -> list[str]:
        return [str(step.action) for step in services.available_actions(self._access, instrument)]

    def validate_unit(self, unit: Organization) -> Organization:
        if self.instance is None and not scoping.can_create_in(self._access, unit.pk):
            raise PermissionDenied(_("您无权为该单位登记仪器。"))
        return unit

    def create(self, validated_data):
        return self._save(Instrument(**validated_data))

    def update(self, instance, validated_data):
        for field, value in validated_data.items():
            setattr(instance, field, value)
        return self._save(instance)

    def _save(self, instrument: Instrument) -> Instrument:
        user = self.context["request"].user
        return services.save_instrument(instrument, access=self._access, user=user)


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(label=_("操作"), choices=WORKFLOW_ACTIONS)
    comment = serializers.CharField(
        label=_("意见"), max_length=1000, required=False, allow_blank=True, help_text=_("退回、不同意时必填")
    )


class SubmitSerializer(serializers.Serializer):
    comment = serializers.CharField(label=_("说明"), max_length=1000, required=False, allow_blank=True)


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="history_id")
    date = serializers.DateTimeField(source="history_date")
    user = serializers.CharField(source="history_user", allow_null=True, help_text=_("操作人姓名"))
    user_id = serializers.IntegerField(source="history_user_id", allow_null=True)
    type = serializers.ChoiceField(
        source="history_type", choices=[("+", _("创建")), ("~", _("修改")), ("-", _("删除"))]
    )
    change_reason = serializers.CharField(source="history_change_reason", allow_null=True)
    changes = HistoryChangeSerializer(many=True, help_text=_("与上一版本相比改动的字段"))


class RegistrationEventSerializer(serializers.Serializer):
    """One row of ``services.MACHINE.history``, under the keys this endpoint has always had."""

    id = serializers.IntegerField(read_only=True, allow_null=True)
    action = serializers.ChoiceField(choices=RegistrationAction.choices, read_only=True)
    action_label = serializers.CharField(read_only=True)
    # Plain strings: the codes are those of ``registration_status``.
    from_status = serializers.CharField(
        source="from_state", read_only=True, help_text=_("原入网状态（registration_status 的取值）")
    )
    to_status = serializers.CharField(
        source="to_state", read_only=True, help_text=_("新入网状态（registration_status 的取值）")
    )
    actor = serializers.IntegerField(source="actor.pk", read_only=True, allow_null=True)
    actor_name = serializers.CharField(source="actor.get_full_name", read_only=True, allow_null=True)
    comment = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(source="at", read_only=True)


class InstrumentPermission(permissions.IsAuthenticatedOrReadOnly):
    """Coarse checks before any input is read; the services check again when they act."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if view.action == "create" and not access_for(request.user).editor_unit_ids:
            self.message = _("您无权登记仪器。")
            return False
        return True

    def has_object_permission(self, request, view, obj):
        access = access_for(request.user)
        if view.action in ("update", "partial_update") and not scoping.can_edit(access, obj):
            self.message = _("该记录当前不可由您修改。")
            return False
        if view.action in ("history", "events") and not scoping.can_see_history(access, obj):
            self.message = _("您无权查看该记录的变更历史。")
            return False
        return True


@extend_schema(tags=["instruments"])
@extend_schema_view(
    list=extend_schema(
        summary="仪器列表",
        description="已发布的记录对所有人可见；单位人员另见本单位全部记录，主管部门管理员另见所辖单位的记录，"
        "平台管理员和评价人员可见全部记录。",
    ),
    retrieve=extend_schema(summary="仪器详情"),
    create=extend_schema(
        summary="登记仪器（单位管理员、信息员）", description="新记录为草稿，须另行提交入网。"
    ),
    update=extend_schema(
        summary="修改仪器",
        description="单位管理员、信息员可改本单位记录，机组负责人可改其负责的记录；"
        "待确认和审核中的记录不可修改。入网状态只能经流程操作改变。",
    ),
    partial_update=extend_schema(summary="修改仪器（部分字段）"),
)
class InstrumentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Research facilities and instruments registered on the platform."""

    serializer_class = InstrumentSerializer
    filterset_class = InstrumentFilter
    permission_classes = [InstrumentPermission]

    @property
    def access(self):
        return access_for(self.request.user)

    def get_queryset(self):
        return scoping.visible_instruments(
            self.access, Instrument.objects.select_related("unit", "category").prefetch_related("attachments")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "access": self.access}

    def _transition(self, action_name: str, comment: str = "") -> Response:
        instrument = self.get_object()
        instrument = services.transition(
            instrument.pk, action_name, access=self.access, user=self.request.user, comment=comment
        )
        return Response(self.get_serializer(instrument).data)

    @extend_schema(
        summary="提交入网（信息员、单位管理员）",
        request=SubmitSerializer,
        responses={
            200: InstrumentSerializer,
            400: OpenApiResponse(description="当前状态不能提交或记录不完整"),
            403: OpenApiResponse(description="无权提交"),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None, format=None):
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(RegistrationAction.SUBMIT, data.validated_data.get("comment", ""))

    @extend_schema(
        summary="入网流程操作",
        description="submit 提交；confirm 单位确认；return 退回（须填意见）；department_approve / department_decline "
        "主管部门同意 / 不同意（不同意须填意见）；approve 平台审核通过并发布。",
        request=TransitionSerializer,
        responses={
            200: InstrumentSerializer,
            400: OpenApiResponse(description="当前状态不能执行此操作或缺少意见"),
            403: OpenApiResponse(description="无权执行此操作"),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request, pk=None, format=None):
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(data.validated_data["action"], data.validated_data.get("comment", ""))

    @extend_schema(
        summary="变更历史",
        description="最新的版本在前，每个版本列出与上一版本相比改动的字段。限单位人员、所属主管部门和平台管理员。",
        responses=HistoryEntrySerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None, format=None):
        return Response(HistoryEntrySerializer(history_entries(self.get_object()), many=True).data)

    @extend_schema(
        summary="入网审核记录",
        description="按时间先后列出提交、确认、退回、审批等操作。限单位人员、所属主管部门和平台管理员。",
        responses=RegistrationEventSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None, format=None):
        events = services.MACHINE.history(self.get_object())
        return Response(RegistrationEventSerializer(events, many=True).data)

    @extend_schema(
        summary="下载照片或文档",
        description="与仪器记录同样的可见范围：草稿的附件只对能看到草稿的人可见，其他人得到 404。",
        responses={(200, "application/octet-stream"): OpenApiResponse(description="文件内容")},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        pagination_class=None,
        filter_backends=[],
    )
    def attachment(self, request, pk=None, attachment_id=None, format=None):
        attachment = get_object_or_404(self.get_object().attachments, pk=attachment_id)
        return private_file_response(
            attachment.file,
            content_type=attachment.content_type,
            filename=attachment.download_name,
            inline=attachment.shows_inline,
        )


def register_routes(router) -> None:
    router.register("categories", CategoryViewSet, basename="api-category")
    router.register("instruments", InstrumentViewSet, basename="api-instrument")
