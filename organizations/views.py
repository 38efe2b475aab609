"""Sign-in pages: the sign-in form, the two-factor code and set-up, password reset's last step."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from organizations import sso, two_factor
from organizations.forms import SignInForm, TokenForm
from organizations.throttle import failures_forget


class SignInView(auth_views.LoginView):
    """Django's LoginView; the throttle sits in authenticate() (django-axes, throttle.py)."""

    form_class = SignInForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_enabled": sso.enabled()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/reset_password_confirm.html"

    def form_valid(self, form):
        # Whoever reads the person's mail chose a new password: earlier failures no longer
        # stand between them and signing in.
        failures_forget(username=self.user.get_username())
        return super().form_valid(form)


def _next_page(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    device = two_factor.confirmed_device(request.user)
    if device is None or request.user.is_verified():
        request.session[two_factor.CODE_OWED] = False
        return redirect(_next_page(request))
    form = TokenForm(request.POST or None)
    if form.is_valid():
        accepted, why_not = two_factor.code_check(device=device, token=form.cleaned_data["token"])
        if accepted:
            two_factor.session_verify(request, device)
            return redirect(_next_page(request))
        form.add_error("token", why_not)
    ctx = {"form": form, "next": _next_page(request)}
    return render(request, "registration/two_factor_verify.html", ctx)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not two_factor.may_use_two_factor(user):
        raise Http404
    if two_factor.confirmed_device(user) is not None:
        return _two_factor_on(request)
    device = two_factor.device_for_setup(user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        accepted, why_not = two_factor.code_check(device=device, token=form.cleaned_data["token"])
        if accepted:
            two_factor.device_confirm(request=request, device=device)
            messages.success(request, _("Two-factor sign-in is on: sign-in now asks for a code."))
            return redirect(_next_page(request))
        form.add_error("token", why_not)
    ctx = {
        "form": form,
        "next": _next_page(request),
        "secret": two_factor.secret_text(device),
        "uri": device.config_url,
        "qr_code": two_factor.qr_code_svg(device.config_url),
        "required": two_factor.must_use_two_factor(user),
    }
    return render(request, "registration/two_factor_setup.html", ctx)


def _two_factor_on(request: HttpRequest) -> HttpResponse:
    """Two-factor sign-in is on; anyone not obliged to keep it may turn it off, with a code."""
    user = request.user
    required = two_factor.must_use_two_factor(user)
    form = TokenForm(request.POST or None)
    if not required and form.is_valid():
        device = two_factor.confirmed_device(user)
        accepted, why_not = two_factor.code_check(device=device, token=form.cleaned_data["token"])
        if accepted:
            two_factor.device_remove(user=user)
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("two-factor-setup")
        form.add_error("token", why_not)
    ctx = {"form": form, "required": required}
    return render(request, "registration/two_factor_on.html", ctx)
