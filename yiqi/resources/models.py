"""Other science and technology resources (科学数据、科技文献、科技报告、自然科技资源) and the requests to use them.

One table for the four kinds: the fields each kind needs are checked by the services and, where a wrong value
must never be stored (a licence outside the list, a data set without one), by the database.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yiqi.core.validators import validate_plain_text


class ResourceKind(models.TextChoices):
    DATASET = "dataset", _("科学数据")
    LITERATURE = "literature", _("科技文献")
    REPORT = "report", _("科技报告")
    NATURAL = "natural", _("自然科技资源")


class AccessLevel(models.TextChoices):
    OPEN = "open", _("公开")
    ON_APPLICATION = "on_application", _("申请后使用")
    RESTRICTED = "restricted", _("受限使用")


class Licence(models.TextChoices):
    """The licences a data set may carry; any other is refused."""

    CC0 = "cc0-1.0", "CC0 1.0"
    CC_BY = "cc-by-4.0", "CC BY 4.0"
    CC_BY_NC = "cc-by-nc-4.0", "CC BY-NC 4.0"
    ODBL = "odbl-1.0", "ODbL 1.0"
    UNIT_AGREEMENT = "unit-agreement", _("单位数据使用协议")


class NaturalKind(models.TextChoices):
    """The national record's 生物种质资源库馆 attachment kinds."""

    GERMPLASM = "germplasm", _("种质资源库")
    SPECIMEN = "specimen", _("标本馆")
    STRAIN = "strain", _("菌（毒）种库")
    OTHER = "other", _("其他资源库")


class ResourceStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待单位确认")
    RETURNED = "returned", _("已退回")
    PUBLISHED = "published", _("已发布")


EDITABLE_STATES = (ResourceStatus.DRAFT, ResourceStatus.RETURNED, ResourceStatus.PUBLISHED)


class Resource(models.Model):
    kind = models.CharField(_("资源类别"), max_length=20, choices=ResourceKind.choices)
    unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("管理单位"),
        on_delete=models.PROTECT,
        related_name="resources",
    )
    name = models.CharField(_("名称"), max_length=200, validators=[validate_plain_text])
    description = models.TextField(_("简介"), max_length=2000, blank=True)
    subject = models.CharField(_("学科领域"), max_length=100, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    access_level = models.CharField(
        _("开放方式"), max_length=20, choices=AccessLevel.choices, default=AccessLevel.ON_APPLICATION
    )
    # Data sets
    time_coverage = models.CharField(_("时间范围"), max_length=100, blank=True)
    space_coverage = models.CharField(_("空间范围"), max_length=100, blank=True)
    data_format = models.CharField(_("数据格式"), max_length=50, blank=True)
    data_size = models.CharField(_("数据量"), max_length=50, blank=True, help_text=_("如 12 GB、3 万条。"))
    licence = models.CharField(_("许可协议"), max_length=20, choices=Licence.choices, blank=True)
    doi = models.CharField(_("DOI"), max_length=100, blank=True)
    landing_url = models.URLField(_("访问地址"), blank=True)
    # Literature and reports
    authors = models.CharField(_("作者"), max_length=200, blank=True)
    publisher = models.CharField(_("出版者/完成单位"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    identifier = models.CharField(_("编号（ISBN/ISSN/报告号）"), max_length=100, blank=True)
    source_title = models.CharField(_("刊名/会议/项目"), max_length=200, blank=True)
    # Natural resources
    natural_kind = models.CharField(_("资源库类型"), max_length=20, choices=NaturalKind.choices, blank=True)
    collection = models.CharField(_("馆藏/资源库"), max_length=200, blank=True)
    species = models.CharField(_("物种/类别"), max_length=200, blank=True)
    item_count = models.PositiveIntegerField(_("数量（份/株/号）"), null=True, blank=True)
    supply_conditions = models.TextField(_("供应条件"), max_length=1000, blank=True)

    status = models.CharField(
        _("状态"), max_length=20, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("科技资源")
        verbose_name_plural = _("科技资源")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["status", "kind", "-updated_at"], name="resource_public_list"),
            models.Index(fields=["unit", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="resource_licence_in_list", condition=Q(licence__in=["", *Licence.values])
            ),
            models.CheckConstraint(
                name="resource_dataset_has_licence", condition=~Q(kind="dataset") | ~Q(licence="")
            ),
            models.CheckConstraint(
                name="resource_published_has_time",
                condition=~Q(status="published") | Q(published_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("待单位审核")
    APPROVED = "approved", _("已同意")
    DECLINED = "declined", _("未同意")
    DELIVERED = "delivered", _("已交付")
    WITHDRAWN = "withdrawn", _("已撤回")


class ResourceRequest(models.Model):
    """A request to use a resource — data access, a copy or loan, a sample — with its service record."""

    number = models.CharField(_("申请编号"), max_length=20, unique=True, editable=False)
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="requests")
    record = models.OneToOneField(
        "servicerecords.ServiceRecord", on_delete=models.PROTECT, related_name="resource_request"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField(_("用途说明"), max_length=1000)
    quantity = models.PositiveIntegerField(_("申请数量"), default=1)
    status = models.CharField(
        _("状态"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    decision_comment = models.CharField(_("审核意见"), max_length=500, blank=True)
    delivery_note = models.TextField(_("交付说明"), max_length=1000, blank=True)
    delivery_link = models.URLField(_("获取地址"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("交付时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("科技资源申请")
        verbose_name_plural = _("科技资源申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="resource_request_quantity_positive", condition=Q(quantity__gte=1)),
            models.CheckConstraint(
                name="resource_request_delivered_has_time",
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.number
