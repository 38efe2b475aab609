from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.preferences import remember_at_sign_in


@receiver(user_logged_in)
def language_at_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        remember_at_sign_in(request, user)
