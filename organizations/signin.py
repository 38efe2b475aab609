"""Sign-in with throttling against password guessing, per username and per address."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from organizations.services import sign_in_blocked, sign_in_failure_record, sign_in_failures_clear


class ThrottledLoginView(auth_views.LoginView):
    """After too many failures the password is not even checked until the window passes."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        username = request.POST.get("username", "")[:150]
        if sign_in_blocked(username=username, address=request.META.get("REMOTE_ADDR")):
            form = self.get_form()
            minutes = settings.SIGN_IN_WINDOW_SECONDS // 60
            form.errors.clear()
            form.add_error(
                None,
                f"Too many failed sign-in attempts. Wait {minutes} minutes and try again, "
                "or ask an admin to reset your password.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")[:150]
        if username:
            sign_in_failure_record(username=username, address=self.request.META.get("REMOTE_ADDR"))
        return super().form_invalid(form)

    def form_valid(self, form):
        sign_in_failures_clear(username=form.get_user().get_username())
        return super().form_valid(form)
