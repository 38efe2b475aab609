"""Single sign-on's two addresses, under /oidc/ (404 while it is not configured).

The names are mozilla-django-oidc's: its views reverse them. Signing out is the app's own
/accounts/logout/ (it ends the session here, not at the provider).
"""

from django.urls import path

from organizations import sso

urlpatterns = [
    path("authenticate/", sso.AuthenticateView.as_view(), name="oidc_authentication_init"),
    path("callback/", sso.CallbackView.as_view(), name="oidc_authentication_callback"),
]
