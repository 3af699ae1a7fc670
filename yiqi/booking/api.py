"""Bookings API (``/api/v1/``). Thin: scoping and every rule come from ``services``, exactly as for the web pages."""

import django_filters
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from yiqi.accounts.access import AccessMixin, access_for
from yiqi.core.api import MomentFilter
from yiqi.registry.models import Instrument
from yiqi.registry.scoping import can_manage_service, visible_instruments

from . import serializers as s
from . import services
from .models import Blackout, Booking, BookingStatus, Qualification, WaitlistEntry

REFUSED = OpenApiResponse(description="规则不允许（字段级中文说明）")
FORBIDDEN = OpenApiResponse(description="无权执行此操作")


# --- availability ------------------------------------------------------------------------------------------------


class AvailabilityView(APIView):
    """Free and busy time of one instrument; anyone may look at published instruments."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=["bookings"],
        summary="仪器可预约时段",
        description="open 为开放时段（已扣除法定节假日和停机），busy 为已被占用的时段；不显示他人身份，"
        "booking_id 仅对本人的预约和仪器服务人员给出。时间为北京时间（+08:00）。查询范围不超过 92 天。",
        parameters=[s.AvailabilityQuerySerializer],
        responses={200: s.AvailabilitySerializer, 400: REFUSED},
    )
    def get(self, request, pk: int):
        access = access_for(request.user)
        instrument = get_object_or_404(visible_instruments(access), pk=pk)
        query = s.AvailabilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        result = services.availability(instrument, start, end, access=access)
        return Response(s.availability_data(instrument.pk, start, end, result))


# --- bookings ----------------------------------------------------------------------------------------------------


class BookingFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("状态"), choices=BookingStatus.choices)
    instrument = django_filters.NumberFilter(label=_("仪器"), min_value=1, max_value=2**63 - 1)
    from_ = MomentFilter(label=_("起（含与此后有重叠的预约）"), field_name="ends_at", lookup_expr="gt")
    to = MomentFilter(label=_("止（在此之前开始的预约）"), field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Booking
        fields = []


# ``from`` is a Python keyword: declare it as ``from_`` and publish it under its real name.
BookingFilter.base_filters["from"] = BookingFilter.base_filters.pop("from_")


@extend_schema(tags=["bookings"])
@extend_schema_view(
    list=extend_schema(
        summary="预约列表",
        description="本人的预约；单位人员另见本单位仪器的全部预约；平台管理员可见全部。",
    ),
    retrieve=extend_schema(summary="预约详情"),
    create=extend_schema(
        summary="预约仪器",
        description="检查开放时间、节假日、停机、冲突、提前量、时长、周配额、本单位保留机时和上机资格；"
        "不需审核的仪器直接确认。repeat_weeks 仅本单位用户可用，整组全部成功或全部不预约。",
        request=s.BookingRequestSerializer,
        responses={201: s.BookingListSerializer, 400: REFUSED},
    ),
)
class BookingViewSet(
    AccessMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Self-operation bookings."""

    serializer_class = s.BookingSerializer
    filterset_class = BookingFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return services.visible_bookings(self.access).select_related(*s.CHARGE_RELATED)

    def create(self, request, *args, **kwargs):
        data = s.BookingRequestSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        # The new bookings carry their instrument, user, organisation and priced charge: no read-back.
        bookings = services.request_booking(user=request.user, **data.validated_data)
        return Response(
            {"bookings": self.get_serializer(bookings, many=True).data}, status=status.HTTP_201_CREATED
        )

    def _act(self, request, serializer_class, service, **fixed):
        booking = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        service(booking, actor=request.user, **fixed, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=booking.pk)).data)

    @extend_schema(
        summary="审核通过（仪器服务人员）",
        request=s.BookingDecisionSerializer,
        responses={200: s.BookingSerializer, 400: REFUSED, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None, format=None):
        return self._act(request, s.BookingDecisionSerializer, services.approve)

    @extend_schema(
        summary="审核不通过（须填理由）",
        request=s.BookingRejectSerializer,
        responses={200: s.BookingSerializer, 400: REFUSED, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request, pk=None, format=None):
        return self._act(request, s.BookingRejectSerializer, services.reject)

    @extend_schema(
        summary="取消预约",
        description="用户本人在取消截止时间前可取消；仪器服务人员在预约结束前均可取消。空出的时段通知候补用户。",
        request=s.BookingCancelSerializer,
        responses={200: s.BookingSerializer, 400: REFUSED, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request, pk=None, format=None):
        return self._act(request, s.BookingCancelSerializer, services.cancel)

    @extend_schema(
        summary="签到（记录实际开始时间）",
        request=s.BookingCheckInSerializer,
        responses={200: s.BookingSerializer, 400: REFUSED, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def check_in(self, request, pk=None, format=None):
        return self._act(request, s.BookingCheckInSerializer, services.check_in)

    @extend_schema(
        summary="完成（出账单、写使用记录、请用户评价）",
        request=s.BookingCompleteSerializer,
        responses={200: s.BookingSerializer, 400: REFUSED, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def complete(self, request, pk=None, format=None):
        return self._act(request, s.BookingCompleteSerializer, services.complete)

    @extend_schema(
        summary="记为爽约",
        request=None,
        responses={200: s.BookingSerializer, 400: REFUSED, 403: FORBIDDEN},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def no_show(self, request, pk=None, format=None):
        booking = self.get_object()
        services.mark_no_show(booking, actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=booking.pk)).data)


# --- waitlist ----------------------------------------------------------------------------------------------------


@extend_schema(tags=["bookings"])
@extend_schema_view(
    list=extend_schema(summary="我的候补"),
    retrieve=extend_schema(summary="候补详情"),
    create=extend_schema(
        summary="候补已被预约的时段",
        description="时段空出时按先后通知候补用户，通知后 2 小时内（或时段开始前）确认即按预约规则预约。",
        request=s.BookingWindowSerializer,
        responses={201: s.WaitlistEntrySerializer, 400: REFUSED},
    ),
)
class WaitlistViewSet(
    AccessMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The requesting user's waitlist entries."""

    serializer_class = s.WaitlistEntrySerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []

    def get_queryset(self):
        return WaitlistEntry.objects.filter(user_id=self.request.user.pk).select_related("instrument")

    def create(self, request, *args, **kwargs):
        data = s.BookingWindowSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        entry = services.join_waitlist(user=request.user, **data.validated_data)
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="接受空出的时段（按预约规则预约）",
        request=None,
        responses={201: s.BookingSerializer, 400: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None, format=None):
        booking = services.accept_offer(self.get_object(), user=request.user)
        booking = services.visible_bookings(self.access).select_related(*s.CHARGE_RELATED).get(pk=booking.pk)
        return Response(
            s.BookingSerializer(booking, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="放弃候补或空出的时段",
        request=None,
        responses={200: s.WaitlistEntrySerializer, 400: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None, format=None):
        entry = services.decline_offer(self.get_object(), user=request.user)
        return Response(self.get_serializer(entry).data)


# --- the manager's settings: /instruments/{id}/service-settings/, qualifications/, blackouts/ ----------------------


class ManagedInstrumentMixin:
    """Views for the instrument's manager and the unit's admins only."""

    permission_classes = [permissions.IsAuthenticated]

    def managed_instrument(self, pk: int) -> Instrument:
        access = access_for(self.request.user)
        instrument = get_object_or_404(visible_instruments(access).select_related("unit"), pk=pk)
        if not can_manage_service(access, instrument):
            raise PermissionDenied(_("只有该仪器的机组负责人和单位管理员可以设置预约规则。"))
        return instrument


class ServiceSettingsView(ManagedInstrumentMixin, APIView):
    @extend_schema(tags=["bookings"], summary="仪器预约设置", responses={200: s.ServiceSettingsSerializer})
    def get(self, request, pk: int):
        conf = services.settings_or_defaults(self.managed_instrument(pk))
        return Response(s.ServiceSettingsSerializer(conf).data)

    @extend_schema(
        tags=["bookings"],
        summary="修改仪器预约设置（机组负责人、单位管理员）",
        description="只需提交要改的项；提交 open_hours 时整体替换每周开放时段。",
        request=s.ServiceSettingsSerializer,
        responses={200: s.ServiceSettingsSerializer, 400: REFUSED, 403: FORBIDDEN},
    )
    def put(self, request, pk: int):
        instrument = self.managed_instrument(pk)
        data = s.ServiceSettingsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        open_hours = fields.pop("open_hours", None)
        with transaction.atomic():
            conf = services.save_service_settings(instrument, actor=request.user, **fields)
            if open_hours is not None:
                periods = [(p["weekday"], p["start_minute"], p["end_minute"]) for p in open_hours]
                services.set_open_hours(instrument, periods, actor=request.user)
        return Response(s.ServiceSettingsSerializer(conf).data)


class QualificationListView(ManagedInstrumentMixin, APIView):
    @extend_schema(
        tags=["bookings"],
        summary="上机资格列表",
        responses={200: s.BookingQualificationSerializer(many=True)},
    )
    def get(self, request, pk: int):
        instrument = self.managed_instrument(pk)
        qualifications = instrument.qualifications.select_related("user").order_by("user__username")
        return Response(s.BookingQualificationSerializer(qualifications, many=True).data)

    @extend_schema(
        tags=["bookings"],
        summary="授予上机资格（再次授予即续期）",
        request=s.BookingQualificationSerializer,
        responses={201: s.BookingQualificationSerializer, 400: REFUSED, 403: FORBIDDEN},
    )
    def post(self, request, pk: int):
        instrument = self.managed_instrument(pk)
        data = s.BookingQualificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        qualification = services.grant_qualification(
            instrument, fields.pop("user"), actor=request.user, **fields
        )
        return Response(s.BookingQualificationSerializer(qualification).data, status=status.HTTP_201_CREATED)


class QualificationDetailView(ManagedInstrumentMixin, APIView):
    @extend_schema(
        tags=["bookings"], summary="撤销上机资格", request=None, responses={204: None, 400: REFUSED}
    )
    def delete(self, request, pk: int, qualification_id: int):
        instrument = self.managed_instrument(pk)
        qualification = get_object_or_404(Qualification, pk=qualification_id, instrument=instrument)
        services.revoke_qualification(qualification, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BlackoutListView(ManagedInstrumentMixin, APIView):
    @extend_schema(
        tags=["bookings"],
        summary="停机/保留时段列表",
        responses={200: s.BookingBlackoutSerializer(many=True)},
    )
    def get(self, request, pk: int):
        instrument = self.managed_instrument(pk)
        return Response(s.BookingBlackoutSerializer(instrument.blackouts.all(), many=True).data)

    @extend_schema(
        tags=["bookings"],
        summary="设置停机/保留时段（与已有预约重叠时拒绝）",
        request=s.BookingBlackoutSerializer,
        responses={201: s.BookingBlackoutSerializer, 400: REFUSED, 403: FORBIDDEN},
    )
    def post(self, request, pk: int):
        instrument = self.managed_instrument(pk)
        data = s.BookingBlackoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        blackout = services.add_blackout(instrument, actor=request.user, **data.validated_data)
        return Response(s.BookingBlackoutSerializer(blackout).data, status=status.HTTP_201_CREATED)


class BlackoutDetailView(ManagedInstrumentMixin, APIView):
    @extend_schema(tags=["bookings"], summary="删除停机/保留时段", request=None, responses={204: None})
    def delete(self, request, pk: int, blackout_id: int):
        instrument = self.managed_instrument(pk)
        services.remove_blackout(
            get_object_or_404(Blackout, pk=blackout_id, instrument=instrument), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("instruments/<int:pk>/availability/", AvailabilityView.as_view(), name="api-booking-availability"),
    path(
        "instruments/<int:pk>/service-settings/", ServiceSettingsView.as_view(), name="api-service-settings"
    ),
    path("instruments/<int:pk>/qualifications/", QualificationListView.as_view(), name="api-qualifications"),
    path(
        "instruments/<int:pk>/qualifications/<int:qualification_id>/",
        QualificationDetailView.as_view(),
        name="api-qualification",
    ),
    path("instruments/<int:pk>/blackouts/", BlackoutListView.as_view(), name="api-blackouts"),
    path(
        "instruments/<int:pk>/blackouts/<int:blackout_id>/", BlackoutDetailView.as_view(), name="api-blackout"
    ),
]


def register_routes(router) -> None:
    router.register("bookings", BookingViewSet, basename="api-booking")
    router.register("waitlist", WaitlistViewSet, basename="api-waitlist")
