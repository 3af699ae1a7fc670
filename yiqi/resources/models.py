"""Other science and technology resources (科学数据、科技文献、科技报告、自然科技资源) and the requests to use them.

One table for the four kinds: the fields each kind needs are checked by the services and, where a wrong value
must never be stored (a licence outside the list, a data set without one), by the database.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiqi.core.validators import validate_plain_text
from yiqi.registry.models import RegistrationStatus

# A DOI is "10." + a registrant code of four to nine digits + "/" + a suffix without spaces.
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
validate_doi = RegexValidator(DOI_PATTERN, _("DOI 格式应为 10.NNNN/…，例如 10.12345/abc.2024。"))
validate_web_url = URLValidator(
    schemes=["http", "https"], message=_("访问地址须以 http:// 或 https:// 开头。")
)


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


# The registry's registration states (the same workflow as instruments), and one more: a published record the
# unit has taken back out of the catalogue.
ResourceStatus = models.TextChoices(
    "ResourceStatus",
    [
        *((s.name, (s.value, s.label)) for s in RegistrationStatus),
        ("WITHDRAWN", ("withdrawn", _("已撤回发布"))),
    ],
)

EDITABLE_STATES = (
    ResourceStatus.DRAFT,
    ResourceStatus.RETURNED,
    ResourceStatus.DECLINED,
    ResourceStatus.PUBLISHED,
    ResourceStatus.WITHDRAWN,
)


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
    doi = models.CharField(_("DOI"), max_length=100, blank=True, validators=[validate_doi])
    landing_url = models.URLField(_("访问地址"), blank=True, validators=[validate_web_url])
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
        _("状态"), max_length=30, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT
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
            # A data set outside the unit's drafts is found through its DOI or its landing page.
            models.CheckConstraint(
                name="resource_dataset_doi_or_url",
                condition=~Q(kind="dataset") | Q(status="draft") | ~Q(doi="") | ~Q(landing_url=""),
            ),
            models.CheckConstraint(
                name="resource_published_has_time",
                condition=~Q(status="published") | Q(published_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == ResourceKind.DATASET and not (self.doi or self.landing_url):
            message = _("科学数据须填写 DOI 或访问地址（至少一项）。")
            raise ValidationError({"doi": [message], "landing_url": [message]})

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("待单位审核")
    APPROVED = "approved", _("已同意")
    DECLINED = "declined", _("未同意")
    DELIVERED = "delivered", _("已交付")
    LENT = "lent", _("已借出")
    RETURNED = "returned", _("已归还")
    WITHDRAWN = "withdrawn", _("已撤回")


class RequestShape(models.TextChoices):
    """What the user asks for: a copy is delivered once; a loan is lent and comes back."""

    ACCESS = "access", _("数据访问")
    COPY = "copy", _("复制")
    LOAN = "loan", _("借阅")
    SAMPLE = "sample", _("样品供应")


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
    shape = models.CharField(
        _("申请方式"), max_length=10, choices=RequestShape.choices, default=RequestShape.COPY
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.REQUESTED
    )
    decision_comment = models.CharField(_("审核意见"), max_length=500, blank=True)
    delivery_note = models.TextField(_("交付说明"), max_length=1000, blank=True)
    delivery_link = models.URLField(_("获取地址"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("交付时间"), null=True, blank=True)
    due_back = models.DateField(_("应还日期"), null=True, blank=True)
    returned_at = models.DateTimeField(_("归还时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("科技资源申请")
        verbose_name_plural = _("科技资源申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="resource_request_quantity_positive", condition=Q(quantity__gte=1)),
            models.CheckConstraint(
                name="resource_request_delivered_has_time",
                condition=~Q(status__in=["delivered", "lent", "returned"]) | Q(delivered_at__isnull=False),
            ),
            # Only a loan is lent and returned, and a lent item has a date to come back by.
            models.CheckConstraint(
                name="resource_request_loan_states",
                condition=Q(shape="loan") | ~Q(status__in=["lent", "returned"]),
            ),
            models.CheckConstraint(
                name="resource_request_lent_has_due_date",
                condition=~Q(status="lent") | Q(due_back__isnull=False),
            ),
            models.CheckConstraint(
                name="resource_request_returned_has_time",
                condition=~Q(status="returned") | Q(returned_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_overdue(self) -> bool:
        """A loan not back by its due date (the unit's list shows it)."""
        return (
            self.status == RequestStatus.LENT
            and self.due_back is not None
            and self.due_back < timezone.localdate()
        )
