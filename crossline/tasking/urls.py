from django.urls import path

from crossline.tasking import views

app_name = "tasking"
urlpatterns = [
    path("", views.tasking_list, name="list"),
    path("new", views.tasking_create, name="create"),
    path("nominations/", views.nomination_list, name="nominations"),
    path("nominations/new", views.nomination_create, name="nominate"),
    path("nominations/<int:pk>", views.nomination_detail, name="nomination"),
    path("deconfliction/<int:pk>", views.deconfliction, name="deconfliction"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/pack", views.pack_request, name="pack_request"),
    path("meetings/packs/<int:pk>", views.pack, name="pack"),
    path("meetings/packs/<int:pk>/pack.pdf", views.pack_download, name="pack_download"),
    path("meetings/<int:pk>/pack.xlsx", views.pack_download_xlsx, name="pack_xlsx"),
    path("<str:reference>", views.tasking_detail, name="detail"),
    path("<str:reference>/answer", views.tasking_respond, name="respond"),
    path("<str:reference>/update", views.tasking_update, name="update"),
    path("<str:reference>/complete", views.tasking_complete, name="complete"),
    path("<str:reference>/cancel", views.tasking_cancel, name="cancel"),
]
