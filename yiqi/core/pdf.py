"""Printable documents: a page template rendered to HTML, then to PDF by WeasyPrint (A4, a CJK font, ruled
tables), so what is printed is the same template and data as what is shown."""

from django.http import HttpResponse
from django.template.loader import render_to_string

# The PDF's layout: A4, a CJK font, ruled tables, page numbers.
PRINT_CSS = """
@page { size: A4; margin: 18mm 15mm; @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; font-size: 10.5pt; line-height: 1.5; }
h1 { font-size: 16pt; text-align: center; } h2 { font-size: 12pt; margin-top: 14pt; }
table { width: 100%; border-collapse: collapse; } th, td { border: 0.5pt solid #444; padding: 3pt 4pt; }
th { background: #eee; text-align: left; } .num { text-align: right; }
"""


LANDSCAPE_CSS = "@page { size: A4 landscape; }"


def write(html: str, *, landscape: bool = False) -> bytes:
    from weasyprint import CSS, HTML  # heavy; only where a PDF is made

    sheets = [PRINT_CSS, LANDSCAPE_CSS] if landscape else [PRINT_CSS]
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=sheet) for sheet in sheets])


def render(template: str, context: dict, request=None, *, landscape: bool = False) -> bytes:
    """``template`` rendered with ``context``, as a PDF (A4, upright unless ``landscape``)."""
    return write(render_to_string(template, context, request=request), landscape=landscape)


def inline(content: bytes, filename: str) -> HttpResponse:
    """A PDF answered inline (the browser shows it) under ``filename``."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def pdf_response(
    template: str, context: dict, request, filename: str, *, landscape: bool = False
) -> HttpResponse:
    """``template`` rendered with ``context`` as an inline PDF named ``filename``."""
    return inline(render(template, context, request, landscape=landscape), filename)
