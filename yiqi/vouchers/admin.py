"""Admin: programme rules and company profiles are editable; every record that carries money (applications,
accounts, payments, claims, batches, the ledger) is read-only here — it changes only through the voucher services,
which keep the ledger, the audit trail and the rule that nothing changes after payout."""

from django.contrib import admin

from yiqi.core.admin import AuditEventInline, ReadOnlyAdminMixin

from .models import (
    Account,
    Batch,
    Claim,
    CompanyProfile,
    LedgerEntry,
    Payment,
    PriceBand,
    Programme,
    ProviderRegistration,
    QuotaApplication,
)


class PriceBandInline(admin.TabularInline):
    model = PriceBand
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "level", "authority", "budget", "use_by", "cash_by", "is_open")
    list_filter = ("year", "level")
    inlines = [PriceBandInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "programme", "account", "kind", "amount", "note")
    list_filter = ("kind", "programme")


class MoneyRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    inlines = [AuditEventInline]


@admin.register(QuotaApplication)
class QuotaApplicationAdmin(MoneyRecordAdmin):
    list_display = ("company", "programme", "requested", "approved_amount", "status", "created_at")
    list_filter = ("status", "programme")


@admin.register(Account)
class AccountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("company", "programme", "created_at")


@admin.register(Payment)
class PaymentAdmin(MoneyRecordAdmin):
    list_display = ("record", "account", "provider", "amount", "status", "created_at")
    list_filter = ("status",)


@admin.register(Claim)
class ClaimAdmin(MoneyRecordAdmin):
    list_display = ("provider", "batch", "amount", "status", "flags", "created_at")
    list_filter = ("status",)


@admin.register(Batch)
class BatchAdmin(MoneyRecordAdmin):
    list_display = ("programme", "month", "status", "payout_reference", "paid_at")
    list_filter = ("status",)


admin.site.register(CompanyProfile)
admin.site.register(ProviderRegistration)
