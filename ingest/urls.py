from django.urls import path

from ingest import views

app_name = "ingest"

urlpatterns = [
    path("submit/", views.submit_url, name="submit"),
]
