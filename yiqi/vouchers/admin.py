from django.contrib import admin

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
class LedgerEntryAdmin(admin.ModelAdmin):
    """Read-only: the ledger is append-only and changes only through the voucher services."""

    list_display = ("created_at", "programme", "account", "kind", "amount", "note")
    list_filter = ("kind", "programme")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (Account, Batch, Claim, CompanyProfile, Payment, ProviderRegistration, QuotaApplication):
    admin.site.register(model)
