"""REST endpoints (``/api/v1/exchange/``): national records with their state and problems, the outbox log, and
units' own systems (``unit_api``)."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets

from yiqi.accounts.access import AccessMixin
from yiqi.accounts.permissions import permission_for

from . import unit_api
from .models import MigrationJob, NationalRecord, ReportingJob
from .services import outbox


class ProblemSerializer(serializers.Serializer):
    field = serializers.CharField()
    reason = serializers.CharField()


class NationalRecordSerializer(serializers.ModelSerializer):
    record_type_label = serializers.CharField(source="get_record_type_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    problems = ProblemSerializer(many=True, read_only=True)
    payload = serializers.DictField(read_only=True)

    class Meta:
        model = NationalRecord
        fields = [
            "id", "record_type", "record_type_label", "unit", "title", "status", "status_label", "problems",
            "return_code", "return_reason", "confirmed_at", "job", "sent_at", "updated_at", "payload",
        ]  # fmt: skip
        read_only_fields = fields


class ReportingJobSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ReportingJob
        fields = [
            "id", "unit", "status", "status_label", "endpoint", "total", "accepted", "returned", "attempts",
            "next_attempt_at", "last_error", "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema(tags=["exchange"])
@extend_schema_view(
    list=extend_schema(
        summary="国家平台上报记录",
        description="单位人员见本单位的记录，平台主管机关见全部：上报状态、返回码与退回原因、需改正的字段与原因。",
    ),
    retrieve=extend_schema(summary="国家平台上报记录详情"),
)
class NationalRecordViewSet(
    AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = NationalRecordSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        rows = outbox.visible_records(self.access).order_by("record_type", "pk")
        status = self.request.query_params.get("status")
        return rows.filter(status=status) if status in NationalRecord.Status.values else rows


@extend_schema(tags=["exchange"])
@extend_schema_view(
    list=extend_schema(summary="上报日志", description="每个上报批次的范围、状态、接收与退回数和传输错误。"),
    retrieve=extend_schema(summary="上报批次详情"),
)
class ReportingJobViewSet(
    AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ReportingJobSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return outbox.visible_jobs(self.access)


class MigrationJobSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    created = serializers.IntegerField(read_only=True)
    updated = serializers.IntegerField(read_only=True)
    summary = serializers.DictField(read_only=True)

    class Meta:
        model = MigrationJob
        fields = [
            "id", "name", "unit_code", "status", "status_label", "created", "updated", "reason", "summary",
            "created_by", "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


IsAuthority = permission_for(outbox.is_authority)


@extend_schema(tags=["exchange"])
@extend_schema_view(
    list=extend_schema(
        summary="数据迁入任务",
        description="平台主管机关迁入其他平台数据的任务：排队中、写入中、已完成（新增与更新数）或失败（原因与前几处错误）。",
    ),
    retrieve=extend_schema(summary="数据迁入任务详情"),
)
class MigrationJobViewSet(
    AccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = MigrationJobSerializer
    permission_classes = [permissions.IsAuthenticated, IsAuthority]
    queryset = MigrationJob.objects.all()


def register_routes(router) -> None:
    router.register("exchange/records", NationalRecordViewSet, basename="api-exchange-record")
    router.register("exchange/jobs", ReportingJobViewSet, basename="api-exchange-job")
    router.register("exchange/migrations", MigrationJobViewSet, basename="api-exchange-migration")
    unit_api.register_routes(router)


urlpatterns = [
    path("exchange/unit/usage/", unit_api.UsageUpsertView.as_view(), name="api-exchange-unit-usage"),
    path(
        "exchange/unit/instruments/",
        unit_api.InstrumentUpsertView.as_view(),
        name="api-exchange-unit-instruments",
    ),
]
