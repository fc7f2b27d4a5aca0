from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/merge/", views.event_merge, name="event_merge"),
    path("events/<int:pk>/split/", views.event_split, name="event_split"),
    path("claims/<int:pk>/review/", views.claim_review, name="claim_review"),
    path("entities/", views.entity_list, name="entities"),
    path("entities/corrections.jsonl", views.corrections_export, name="corrections_export"),
    path("entities/<int:pk>/", views.entity_detail, name="entity"),
    path("entities/<int:pk>/aliases/", views.alias_add, name="alias_add"),
    path("entities/<int:pk>/merge/", views.entity_merge, name="entity_merge"),
    path("entities/<int:pk>/split/", views.entity_split, name="entity_split"),
    path("entities/<int:pk>/confirm/", views.entity_confirm, name="entity_confirm"),
    path("aliases/<int:pk>/remove/", views.alias_remove, name="alias_remove"),
    path("mentions/<int:pk>/wrong/", views.mention_wrong, name="mention_wrong"),
    path("mentions/<int:pk>/relink/", views.mention_relink, name="mention_relink"),
]
