"""/api/v1/: the REST API, its OpenAPI schema and its browsable docs."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import assessments, catalogue, imports, organizations, plan

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("model-versions/", catalogue.ModelVersionList.as_view(), name="api-model-versions"),
    path(
        "model-versions/<int:pk>/",
        catalogue.ModelVersionDetail.as_view(),
        name="api-model-version",
    ),
    path("organizations/", organizations.OrganizationList.as_view(), name="api-organizations"),
    path(
        "organizations/<slug:slug>/",
        organizations.OrganizationDetail.as_view(),
        name="api-organization",
    ),
    path(
        "organizations/<slug:slug>/import/",
        imports.OrganizationImport.as_view(),
        name="api-organization-import",
    ),
    path("teams/", organizations.TeamList.as_view(), name="api-teams"),
    path("teams/<int:pk>/", organizations.TeamDetail.as_view(), name="api-team"),
    path("teams/<int:pk>/targets/", organizations.TeamTargets.as_view(), name="api-team-targets"),
    path("assessments/", assessments.AssessmentList.as_view(), name="api-assessments"),
    path("assessments/<int:pk>/", assessments.AssessmentDetail.as_view(), name="api-assessment"),
    path(
        "assessments/<int:pk>/answers/",
        assessments.AssessmentAnswers.as_view(),
        name="api-assessment-answers",
    ),
    path(
        "assessments/<int:pk>/context/",
        assessments.AssessmentContext.as_view(),
        name="api-assessment-context",
    ),
    path(
        "assessments/<int:pk>/submit/",
        assessments.AssessmentSubmit.as_view(),
        name="api-assessment-submit",
    ),
    path(
        "assessments/<int:pk>/theme/", plan.AssessmentTheme.as_view(), name="api-assessment-theme"
    ),
    path(
        "assessments/<int:pk>/actions/",
        plan.AssessmentActions.as_view(),
        name="api-assessment-actions",
    ),
    path(
        "assessments/<int:pk>/actions/<int:action_pk>/",
        plan.AssessmentAction.as_view(),
        name="api-assessment-action",
    ),
    path(
        "assessments/<int:pk>/metrics/",
        plan.AssessmentMetrics.as_view(),
        name="api-assessment-metrics",
    ),
]
