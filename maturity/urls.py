from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from assessments import views
from organizations.signin import ThrottledLoginView

# Admin pages of models that moved out of the assessments app keep answering at their old
# addresses (bookmarks, links in notes) with a permanent redirect to the new ones.
MOVED_ADMIN = [
    re_path(
        rf"^admin/assessments/(?P<model>{'|'.join(models)})/(?P<rest>.*)$",
        RedirectView.as_view(url=f"/admin/{app}/%(model)s/%(rest)s", permanent=True),
    )
    for app, models in {
        "catalogue": ("maturitymodel", "dimension", "question", "band", "scalelevel"),
        "organizations": ("organization", "team", "failedsignin"),
    }.items()
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    *MOVED_ADMIN,
    path("admin/", admin.site.urls),
    path("", include("assessments.urls")),
]

admin.site.site_header = "Onboarding maturity admin"
admin.site.site_title = "Onboarding maturity admin"
