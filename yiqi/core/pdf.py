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


def write(html: str) -> bytes:
    from weasyprint import CSS, HTML  # heavy; only where a PDF is made

    return HTML(string=html).write_pdf(stylesheets=[CSS(string=PRINT_CSS)])


def render(template: str, context: dict, request=None) -> bytes:
    """``template`` rendered with ``context``, as a PDF."""
    return write(render_to_string(template, context, request=request))


def inline(content: bytes, filename: str) -> HttpResponse:
    """A PDF answered inline (the browser shows it) under ``filename``."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def pdf_response(template: str, context: dict, request, filename: str) -> HttpResponse:
    """``template`` rendered with ``context`` as an inline PDF named ``filename``."""
    return inline(render(template, context, request), filename)
