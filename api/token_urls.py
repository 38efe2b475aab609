from django.urls import path

from api import token_views

urlpatterns = [
    path("", token_views.token_list, name="api-tokens"),
    path("<int:token_id>/revoke/", token_views.token_revoke_view, name="api-token-revoke"),
]
