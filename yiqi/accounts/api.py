"""API authentication: units' own systems exchange a username and password for a token."""

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .throttling import LoginRateThrottle
from .tokens import issue_token


class LockedOut(exceptions.Throttled):
    default_detail = _("登录失败次数过多，来自您网络地址的登录已临时锁定，请稍后再试。")
    default_code = "locked_out"


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"), max_length=150, write_only=True)
    password = serializers.CharField(
        label=_("密码"),
        max_length=128,
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
    )

    def validate(self, attrs):
        # The DRF request (not the Django one) goes to authenticate(): django-axes counts the failure and marks
        # this object when the account gets locked, and we answer in JSON instead of the HTML lockout page.
        request = self.context["request"]
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None:
            if getattr(request, "axes_locked_out", False):
                cool_off = get_cool_off(request)
                raise LockedOut(wait=cool_off.total_seconds() if cool_off else None)
            raise serializers.ValidationError(_("用户名或密码不正确。"), code="authorization")
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text=_("请求头 `Authorization: Token <token>`"))
    expiry = serializers.DateTimeField(read_only=True, help_text=_("令牌的失效时间"))


class ObtainTokenView(GenericAPIView):
    """Issue a new API token (shown only now; the platform keeps only its digest) that expires."""

    serializer_class = CredentialsSerializer
    authentication_classes = []  # credentials travel in the body; no session, so no CSRF check
    permission_classes = []
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # the bounded JSON parser, as everywhere

    @extend_schema(
        tags=["auth"],
        summary="获取 API Token",
        request=CredentialsSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="用户名或密码不正确，或缺少字段"),
            429: OpenApiResponse(description="请求过于频繁，或登录失败次数过多被临时锁定"),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        # A token request is a login (last_login is updated, axes clears this address's failures for the user),
        # but it opens no session.
        user_logged_in.send(sender=type(user), request=request, user=user)
        instance, token = issue_token(user)
        return Response(TokenSerializer({"token": token, "expiry": instance.expiry}).data)
