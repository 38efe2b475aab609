from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from assessments import views
from organizations import views as sign_in
from organizations.forms import AdminSignInForm

# Admin pages of models that moved out of the assessments app keep answering at their old
# addresses (bookmarks, links in notes) with a permanent redirect to the new ones.
MOVED_ADMIN = [
    re_path(
        rf"^admin/assessments/(?P<model>{'|'.join(models)})/(?P<rest>.*)$",
        RedirectView.as_view(url=f"/admin/{app}/%(model)s/%(rest)s", permanent=True),
    )
    for app, models in {
        "catalogue": ("maturitymodel", "dimension", "question", "band", "scalelevel"),
        "organizations": ("organization", "team"),
    }.items()
]

# Sign-in, two-factor codes and passwords. Django's own views, our templates; the names are
# the ones Django's views redirect to.
ACCOUNTS = [
    path("login/", sign_in.SignInView.as_view(), name="login"),
    path("login/code/", sign_in.two_factor_verify, name="two-factor-verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", sign_in.two_factor_setup, name="two-factor-setup"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(template_name="registration/change_password.html"),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/change_password_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="registration/reset_password.html",
            email_template_name="registration/reset_password_email.txt",
            subject_template_name="registration/reset_password_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/reset_password_sent.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        sign_in.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/reset_password_done.html"
        ),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include(ACCOUNTS)),
    path("accounts/tokens/", include("api.token_urls")),
    path("oidc/", include("organizations.sso_urls")),  # single sign-on (organizations/sso.py)
    path("accounts/language/", include("accounts.urls")),
    # The scripts' texts in the active language (djangojs.po), as a script of our own origin (CSP).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include("api.urls")),
    path("organizations/<slug:slug>/webhooks/", include("webhooks.urls")),
    *MOVED_ADMIN,
    path("admin/", admin.site.urls),
    path("", include("assessments.urls")),
]

admin.site.site_header = _("Onboarding maturity admin")
admin.site.site_title = _("Onboarding maturity admin")
# Admin's sign-in goes through the same authenticate() and throttle; its form says when the
# throttle turned a sign-in away. Admin pages then want the second factor (the middleware).
admin.site.login_form = AdminSignInForm
