from django.urls import path

from assessments import (
    branding_views,
    organization_views,
    pack_views,
    plan_views,
    team_plan_views,
    team_views,
    views,
    wizard_views,
    workbook_views,
)

app_name = "assessments"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("assessments/new/", views.assessment_new, name="new"),
    path("assessments/<int:pk>/", views.assessment_report, name="report"),
    path("assessments/<int:pk>/report.pdf", views.assessment_report_pdf, name="report-pdf"),
    path("assessments/<int:pk>/step/<int:step>/", wizard_views.assessment_step, name="step"),
    path("assessments/<int:pk>/submit/", views.assessment_submit, name="submit"),
    path("assessments/<int:pk>/history/", views.assessment_history, name="history"),
    path("assessments/<int:pk>/theme/", plan_views.theme_choose, name="theme"),
    path("assessments/<int:pk>/actions/", plan_views.action_add, name="action-add"),
    path(
        "assessments/<int:pk>/actions/<int:action_pk>/",
        plan_views.action_edit,
        name="action-edit",
    ),
    path(
        "assessments/<int:pk>/actions/adopt/<int:recommendation_pk>/",
        plan_views.action_adopt,
        name="action-adopt",
    ),
    path("assessments/<int:pk>/respondents/", team_views.respondents, name="respondents"),
    path(
        "assessments/<int:pk>/respondents/<int:respondent_pk>/remove/",
        team_views.respondent_remove,
        name="respondent-remove",
    ),
    path(
        "assessments/<int:pk>/respondents/<int:respondent_pk>/resend/",
        team_views.respondent_resend,
        name="respondent-resend",
    ),
    path(
        "assessments/<int:pk>/response/submit/", team_views.response_submit, name="response-submit"
    ),
    path("assessments/<int:pk>/workshop/<int:number>/", team_views.workshop, name="workshop"),
    path("invitations/<str:token>/", team_views.invitation, name="invitation"),
    path("assessments/<int:pk>/export.json", views.assessment_export_json, name="export-json"),
    path("teams/<int:pk>/", views.team_history, name="team"),
    path("teams/<int:pk>/targets/", team_plan_views.team_targets, name="team-targets"),
    path("teams/<int:pk>/metrics/", team_plan_views.team_metrics, name="team-metrics"),
    path("organizations/<slug:slug>/export.csv", views.organization_export_csv, name="export-csv"),
    path(
        "organizations/<slug:slug>/responses.csv",
        views.organization_export_responses_csv,
        name="export-responses-csv",
    ),
    path(
        "organizations/<slug:slug>/plan.csv",
        views.organization_export_plan_csv,
        name="export-plan-csv",
    ),
    path("organizations/<slug:slug>/import/", views.organization_import, name="import"),
    # The consultant workspace (issue 13).
    path("organizations/<slug:slug>/", organization_views.organization_page, name="organization"),
    path("organizations/<slug:slug>/compare/", organization_views.compare, name="compare"),
    path(
        "organizations/<slug:slug>/export.xlsx",
        workbook_views.organization_export_xlsx,
        name="export-xlsx",
    ),
    path("organizations/<slug:slug>/logo/", branding_views.organization_logo, name="org-logo"),
    path("firm-logo/", branding_views.firm_logo, name="firm-logo"),
    path("organizations/<slug:slug>/packs/", pack_views.pack_start, name="pack-start"),
    path("packs/<int:pk>/", pack_views.pack_status, name="pack-status"),
    path("packs/<int:pk>/progress.json", pack_views.pack_progress, name="pack-progress"),
    path("packs/<int:pk>/download/", pack_views.pack_download, name="pack-download"),
    path("packs/<int:pk>/retry/", pack_views.pack_retry, name="pack-retry"),
]
