"""Unit A's resources for the route walks (read_routes, the access matrix): a published data set, a draft, and a
company's request for the data set."""

from types import SimpleNamespace

from yiqi.accounts.access import access_for
from yiqi.resources import services
from yiqi.resources.models import ResourceStatus

from .factories import ResourceFactory


def resource_scene(*, unit, requester) -> SimpleNamespace:
    published = ResourceFactory(unit=unit, name="A单位公开数据集", access_level="on_application")
    draft = ResourceFactory(unit=unit, name="A单位数据集草稿", status=ResourceStatus.DRAFT, published_at=None)
    request = services.request_resource(
        published, access=access_for(requester), user=requester, purpose="科研使用"
    )
    return SimpleNamespace(published=published, draft=draft, request=request)
