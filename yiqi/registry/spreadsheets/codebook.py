"""Coded values (choices, yes/no, countries, categories, sub-units) as users see and type them."""

import re
from functools import cached_property

from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from yiqi.core.spreadsheets import cell_text, is_blank

from ..categories import leaf_codes
from ..models import Instrument, InstrumentCategory
from .columns import COLUMNS, NO, YES, CellError, Column, parse_date, parse_decimal


class Codebook:
    """Coded values as users see them (Chinese labels) and as stored, for one management unit."""

    def __init__(self, unit=None):
        with translation.override("zh-hans"):
            self.labels = {
                c.field: {value: str(label) for value, label in c.model_field.choices}
                for c in COLUMNS
                if c.type == "choice"
            }
            self.country_names = {c.code: str(c.name) for c in countries}
        self.categories = dict(InstrumentCategory.objects.values_list("code", "name"))
        self.sub_units = {s.name: s for s in unit.sub_units.all()} if unit else {}

    @cached_property
    def choice_values(self) -> dict[str, dict[str, str]]:
        return {
            field: {label: value for value, label in labels.items()}
            | {value.lower(): value for value in labels}
            for field, labels in self.labels.items()
        }

    @cached_property
    def country_codes(self) -> dict[str, str]:
        return {name: code for code, name in self.country_names.items()} | {
            c.lower(): c for c in self.country_names
        }

    def dropdown(self, column: Column) -> list[str]:
        """The values the template offers for a coded column."""
        match column.type:
            case "category":
                return [
                    f"{code} {self.categories[code]}" for code in sorted(leaf_codes() & set(self.categories))
                ]
            case "choice":
                return list(self.labels[column.field].values())
            case "bool":
                return [YES, NO]
            case "country":
                return [self.country_names["CN"], *(n for c, n in self.country_names.items() if c != "CN")]
            case "sub_unit":
                return list(self.sub_units)
        return []

    def display(self, column: Column, instrument: Instrument):
        """A record's value as the export writes it (and the import reads it back)."""
        if column.type == "category":  # by code: no join needed
            return f"{instrument.category_id} {self.categories.get(instrument.category_id, '')}"
        value = getattr(instrument, column.field)
        match column.type:
            case "choice":
                return self.labels[column.field].get(value, value)
            case "bool":
                return YES if value else NO
            case "country":
                return self.country_names.get(value.code, value.code)
            case "sub_unit":
                return value.name if value else ""
            case "parent":
                return value.asset_number if value else ""
            case "unit":
                return value.name
        return value

    def parse(self, column: Column, value):
        """A cell's value as stored on the model; raises CellError with a message for the user."""
        if is_blank(value):
            if column.required:
                raise CellError(_("必填项，不能为空。"))
            if column.type in ("choice", "bool", "country"):
                return column.model_field.get_default()
            return "" if column.type in ("text", "parent") else None
        match column.type:
            case "decimal":
                return parse_decimal(column, value)
            case "date":
                return parse_date(value)
            case "bool":
                return self._parse_bool(value)
        text = cell_text(value)
        match column.type:
            case "choice":
                values = self.choice_values[column.field]
                stored = values.get(text) or values.get(text.lower())
                if stored is None:
                    raise CellError(
                        _("“%(value)s”不是有效的选项，可选：%(options)s。")
                        % {"value": text, "options": "、".join(self.labels[column.field].values())}
                    )
                return stored
            case "country":
                code = (
                    self.country_codes.get(text)
                    or self.country_codes.get(text.lower())
                    or countries.by_name(text)
                )
                if not code:
                    raise CellError(
                        _("未知的国家或地区“%(value)s”，请从下拉列表选择或填写两位代码（如 JP）。")
                        % {"value": text}
                    )
                return code
            case "category":
                return self._parse_category(value, text)
            case "sub_unit":
                if text not in self.sub_units:
                    raise CellError(_("本单位没有名为“%(value)s”的内设机构。") % {"value": text})
                return self.sub_units[text]
        max_length = column.model_field.max_length
        if max_length and len(text) > max_length:
            raise CellError(
                _("内容过长：不能超过 %(max)d 个字（现有 %(count)d 个）。")
                % {"max": max_length, "count": len(text)}
            )
        return text

    @staticmethod
    def _parse_bool(value) -> bool:
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if text in (YES, "y", "yes", "true", "1", "√"):
            return True
        if text in (NO, "n", "no", "false", "0", "×"):
            return False
        raise CellError(_("请填写“是”或“否”。"))

    def _parse_category(self, value, text: str) -> InstrumentCategory:
        match = re.match(r"\d+", text)
        code = match.group() if match else text
        if isinstance(value, int | float) and len(code) < 6:
            code = code.zfill(6)  # Excel dropped the leading zero of 010102
        if code not in self.categories:
            raise CellError(_("未知的分类代码“%(value)s”，请从下拉列表选择。") % {"value": text})
        return InstrumentCategory(code=code, name=self.categories[code])
