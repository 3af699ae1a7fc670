"""REST endpoints (``/api/v1/ratings/``, ``/api/v1/complaints/``). Thin: the same services as the web pages."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yiqi.accounts.access import access_for
from yiqi.servicerecords import kinds

from . import services
from .models import Complaint, ComplaintStatus, Rating
from .serializers import (
    ComplaintDetailSerializer,
    ComplaintSerializer,
    ComplaintTransitionSerializer,
    RatingCreateSerializer,
    RatingSerializer,
    ReplySerializer,
)

urlpatterns = []


class RatingFilter(django_filters.FilterSet):
    instrument = django_filters.NumberFilter(label=_("仪器 ID"), min_value=1, max_value=2**63 - 1)
    unit = django_filters.NumberFilter(label=_("管理单位 ID"), min_value=1, max_value=2**63 - 1)
    mine = django_filters.BooleanFilter(label=_("仅本人的评价"), method="filter_mine")

    class Meta:
        model = Rating
        fields = []

    def filter_mine(self, queryset, name, value):
        return queryset.filter(user_id=self.request.user.pk) if value else queryset  # anonymous: none


@extend_schema(tags=["ratings"])
@extend_schema_view(
    list=extend_schema(
        summary="服务评价列表",
        description="公开：按 ?instrument= 或 ?unit= 查看某台仪器或某个单位的评价，最新的在前。"
        "评价人只显示姓氏（如“张**”）和单位类型。",
    ),
    retrieve=extend_schema(summary="一条评价"),
    create=extend_schema(
        summary="评价一次服务",
        description="本人已完成的服务记录（record），或以预约（booking）、委托测试单（order）指定，三者选一；"
        "每次服务只能评价一次；"
        "总体评价、及时性、服务态度、结果质量各 1 至 5 分，评价内容不超过 1000 字。",
        request=RatingCreateSerializer,
        responses={
            201: RatingSerializer,
            400: OpenApiResponse(description="服务未完成、已评价过、分数或内容不合要求"),
            403: OpenApiResponse(description="不是该服务的使用人"),
        },
    ),
)
class RatingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Users' ratings of completed service records, with the unit's reply."""

    serializer_class = RatingSerializer
    filterset_class = RatingFilter

    def get_queryset(self):
        return services.public_ratings(access_for(self.request.user)).select_related("unit")

    def create(self, request, *args, **kwargs):
        data = RatingCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        rating = data.save()
        return Response(RatingSerializer(rating, context=self.get_serializer_context()).data, status=201)

    @extend_schema(
        summary="回复评价（机组负责人、单位管理员）",
        description="每条评价只能回复一次。",
        request=ReplySerializer,
        responses={
            200: RatingSerializer,
            400: OpenApiResponse(description="已回复过或回复内容不合要求"),
            403: OpenApiResponse(description="无权回复"),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reply(self, request, pk=None, format=None):
        data = ReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = services.reply(self.get_object(), actor=request.user, text=data.validated_data["reply"])
        return Response(RatingSerializer(rating, context=self.get_serializer_context()).data)


class ComplaintFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ComplaintStatus.choices)
    overdue = django_filters.BooleanFilter(label=_("仅逾期未办结"), method="filter_overdue")

    class Meta:
        model = Complaint
        fields = []

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(services.overdue_q()) if value else queryset


@extend_schema(tags=["complaints"])
@extend_schema_view(
    list=extend_schema(
        summary="投诉列表",
        description="投诉人看到本人的投诉；单位管理员（及涉及仪器的机组负责人）看到本单位的；"
        "主管部门管理员看到所辖单位的；平台管理员看到全部。",
    ),
    retrieve=extend_schema(summary="投诉详情（含办理记录）", responses=ComplaintDetailSerializer),
    create=extend_schema(
        summary="提交投诉",
        description="投诉某管理单位或其仪器，可关联本人的预约或委托测试单。办理期限为提交后 10 个工作日"
        "（按法定节假日安排计算）。",
        responses={201: ComplaintSerializer, 400: OpenApiResponse(description="输入不合要求")},
    ),
)
class ComplaintViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Complaints about a unit or one of its instruments, tracked to resolution."""

    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        complaints = services.visible_complaints(access_for(self.request.user))
        return complaints.select_related(*kinds.detail_relations("record__"))

    def get_serializer_class(self):
        return ComplaintDetailSerializer if self.action == "retrieve" else ComplaintSerializer

    @extend_schema(
        summary="投诉办理操作",
        description="accept 受理（单位）；resolve 办结（单位在受理后，或主管部门），comment 须填写处理结果，upheld 须认定投诉是否成立；"
        "confirm 确认办结、reopen 要求重新办理（投诉人，重新办理限一次，须说明理由）；comment 补充意见。",
        request=ComplaintTransitionSerializer,
        responses={
            200: ComplaintDetailSerializer,
            400: OpenApiResponse(description="当前状态不能执行此操作或缺少说明"),
            403: OpenApiResponse(description="无权执行此操作"),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request, pk=None, format=None):
        data = ComplaintTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = services.transition(
            self.get_object(),
            data.validated_data["action"],
            actor=request.user,
            comment=data.validated_data.get("comment", ""),
            upheld=data.validated_data.get("upheld"),
        )
        serializer = ComplaintDetailSerializer(complaint, context=self.get_serializer_context())
        return Response(serializer.data, status=status.HTTP_200_OK)


def register_routes(router):
    router.register("ratings", RatingViewSet, basename="api-rating")
    router.register("complaints", ComplaintViewSet, basename="api-complaint")
