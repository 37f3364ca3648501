from django.urls import path

from crossline.intensification import views

app_name = "intensification"
urlpatterns = [
    path("", views.weeks, name="weeks"),
    path("open/", views.open_week, name="open"),
    path("<int:pk>/", views.week, name="week"),
    path("<int:pk>/results/", views.submit, name="submit"),
    path("<int:pk>/upload/", views.upload, name="upload"),
    path("<int:pk>/template.<str:form>", views.template, name="template"),
    path("<int:pk>/forces/<str:code>/", views.force, name="force"),
    path("<int:pk>/export.<str:form>", views.export, name="export"),
]
