from django.urls import path

from crossline.compliance import views

app_name = "compliance"
urlpatterns = [
    path("", views.force, name="force"),
    path("forces/<str:code>/", views.force_detail, name="force_detail"),
    path("league/", views.league, name="league"),
    path("league.<str:form>", views.league_export, name="league_export"),
    path("schedule/", views.schedule, name="schedule"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/read", views.notice_read, name="notice_read"),
]
