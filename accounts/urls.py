from django.urls import path

from accounts import views

urlpatterns = [path("", views.language_choose, name="language")]
