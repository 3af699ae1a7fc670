from django.urls import path

from .views import analysis, authority, units

app_name = "evaluation"

urlpatterns = [
    path("", units.HomeView.as_view(), name="home"),
    path("results/", units.ResultsView.as_view(), name="results"),
    path("results/<int:pk>/", units.ResultsView.as_view(), name="published_round"),
    path("schemes/", authority.SchemeListView.as_view(), name="scheme_list"),
    path("schemes/<int:pk>/", authority.SchemeView.as_view(), name="scheme"),
    path("schemes/<int:pk>/copy/", authority.SchemeCopyView.as_view(), name="scheme_copy"),
    path("schemes/<int:pk>/activate/", authority.SchemeActivateView.as_view(), name="scheme_activate"),
    path("schemes/<int:pk>/grades/", authority.SchemeGradesView.as_view(), name="scheme_grades"),
    path("indicators/<int:pk>/", authority.IndicatorEditView.as_view(), name="indicator_edit"),
    path("rounds/new/", authority.RoundCreateView.as_view(), name="round_create"),
    path("rounds/<int:pk>/", authority.RoundView.as_view(), name="round"),
    path("rounds/<int:pk>/step/", authority.RoundStepView.as_view(), name="round_step"),
    path("rounds/<int:pk>/subsidies/", authority.RoundSubsidyView.as_view(), name="round_subsidies"),
    path("rounds/<int:pk>/results.xlsx", authority.RoundExportView.as_view(), name="round_export"),
    path("rounds/<int:pk>/results.pdf", authority.RoundPrintView.as_view(), name="round_print"),
    path("units/<int:pk>/", units.UnitView.as_view(), name="unit"),
    path("units/<int:pk>/sheet.pdf", units.UnitPrintView.as_view(), name="unit_print"),
    path("units/<int:pk>/figures/<str:figure>/", units.FigureRowsView.as_view(), name="figure_rows"),
    path("units/<int:pk>/self-evaluation/", units.SelfEvaluationView.as_view(), name="self_evaluation"),
    path("units/<int:pk>/self-evaluation/file/", units.SelfReportFileView.as_view(), name="self_report_file"),
    path("units/<int:pk>/contest/", units.ContestView.as_view(), name="contest"),
    path("units/<int:pk>/score/", units.ScoreView.as_view(), name="score"),
    path("units/<int:pk>/assign/", authority.AssignView.as_view(), name="assign"),
    path("units/<int:pk>/onsite/", authority.OnsiteView.as_view(), name="onsite"),
    path("contests/<int:pk>/answer/", authority.AnswerContestView.as_view(), name="contest_answer"),
    path("rectifications/", authority.RectificationListView.as_view(), name="rectifications"),
    path("reallocation/", authority.ReallocationView.as_view(), name="reallocation"),
    path(
        "rectifications/<int:pk>/close/",
        authority.RectificationCloseView.as_view(),
        name="rectification_close",
    ),
    path("rounds/<int:pk>/what-if/", analysis.RoundWhatIfView.as_view(), name="round_whatif"),
    path("units/<int:pk>/what-if/", analysis.UnitWhatIfView.as_view(), name="unit_whatif"),
    path("instruments/", analysis.InstrumentListView.as_view(), name="instruments"),
    path("instruments/idle/", analysis.InstrumentListView.as_view(ranking=False), name="idle_instruments"),
]
