"""The person's own API tokens: list, create (shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.forms import TokenCreateForm
from api.models import PersonalAccessToken
from api.tokens import MAX_TOKENS_PER_USER, TokenLimit, token_create, token_revoke


def _page(request, form, *, new_token: str | None = None, status: int = 200):
    tokens = PersonalAccessToken.objects.filter(user=request.user)
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token},
        status=status,
    )


@never_cache
@login_required
def token_list(request):
    if request.method != "POST":
        return _page(request, TokenCreateForm())
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        _row, token = token_create(user=request.user, **form.cleaned_data)
    except TokenLimit:
        # The service's refusal, said in the page's language.
        limit = MAX_TOKENS_PER_USER
        form.add_error(None, _("You have %(count)d tokens: revoke one first.") % {"count": limit})
        return _page(request, form, status=400)
    # Rendered, not redirected: the token is shown on this response only and never stored.
    return _page(request, TokenCreateForm(), new_token=token, status=201)


@require_POST
@login_required
def token_revoke_view(request, token_id: int):
    row = token_revoke(user=request.user, token_id=token_id)
    if row is None:
        raise Http404
    messages.success(
        request, _("Token “%(name)s” revoked: it no longer signs anyone in.") % {"name": row.name}
    )
    return redirect("api-tokens")
