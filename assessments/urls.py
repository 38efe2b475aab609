from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("assessments/new/", views.assessment_new, name="new"),
    path("assessments/<int:pk>/", views.assessment_report, name="report"),
    path("assessments/<int:pk>/report.pdf", views.assessment_report_pdf, name="report-pdf"),
    path("assessments/<int:pk>/step/<int:step>/", views.assessment_step, name="step"),
    path("assessments/<int:pk>/submit/", views.assessment_submit, name="submit"),
]
