from django.urls import path

from crossline.placements import views

app_name = "placements"
urlpatterns = [
    path("", views.placement_list, name="list"),
    path("new", views.start, name="start"),
    path("figures", views.oversight, name="figures"),
    path("alerts/<int:pk>", views.match_alert, name="match_alert"),
    path("drafts/<uuid:draft>/check", views.check, name="check"),
    path("drafts/<uuid:draft>/delete", views.draft_delete, name="draft_delete"),
    path("drafts/<uuid:draft>/<slug:section>", views.question, name="question"),
    # References look like PN-7K3Q-9XWD; the fixed paths above come first.
    path("<str:reference>", views.detail, name="detail"),
    path("<str:reference>/sent", views.confirmation, name="confirmation"),
    path("<str:reference>/acknowledge", views.acknowledge, name="acknowledge"),
    path("<str:reference>/not-our-area", views.decline, name="decline"),
    path("<str:reference>/missing-episode", views.missing, name="missing"),
    path("<str:reference>/end", views.end, name="end"),
    path("<str:reference>/move", views.move, name="move"),
    path("<str:reference>/route", views.route, name="route"),
]
