from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessments import views
from assessments.signin import ThrottledLoginView

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("assessments.urls")),
]

admin.site.site_header = "Onboarding maturity admin"
admin.site.site_title = "Onboarding maturity admin"
