"""``/api/v1/read-log/``: the sensitive-read log, scoped as the page (``readlog``)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers

from yiqi.accounts.access import AccessMixin

from . import readlog


class ReadLogEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField(label=_("时间"))
    action = serializers.ChoiceField(
        label=_("操作"), choices=[("download", _("下载")), ("export", _("导出"))]
    )
    action_label = serializers.CharField()
    actor_username = serializers.CharField(label=_("操作人用户名"), allow_blank=True)
    actor_name = serializers.CharField(label=_("操作人"), allow_blank=True)
    what = serializers.CharField(label=_("内容"))
    unit_id = serializers.IntegerField(
        label=_("管理单位 id"), allow_null=True, help_text=_("数据所属的单位；跨多个单位的导出为 null")
    )
    unit_name = serializers.CharField(label=_("管理单位"), allow_blank=True)
    filters = serializers.DictField(
        child=serializers.CharField(), label=_("筛选条件"), help_text=_("导出时的筛选条件（下载为空）")
    )


class ReadLogView(AccessMixin, generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ReadLogEntrySerializer
    filter_backends = []

    def get_queryset(self):
        return readlog.visible_read_log(self.access)

    def paginate_queryset(self, queryset):
        return readlog.read_log_rows(super().paginate_queryset(queryset))

    @extend_schema(
        tags=["audit"],
        summary="下载与导出记录",
        description="谁在何时下载了检测结果文件或佐证材料、导出了哪些列表（含筛选条件），新的在前。"
        "单位管理员看到本单位的记录，平台管理员看到全部；其他角色 403。",
        responses={200: ReadLogEntrySerializer(many=True), 403: OpenApiResponse(description="无权查看")},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


urlpatterns = [path("read-log/", ReadLogView.as_view(), name="api-read-log")]
