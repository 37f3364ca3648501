from django.urls import path

from crossline.returns import views

app_name = "returns"
urlpatterns = [
    path("", views.return_list, name="list"),
    path("submissions", views.submission_list, name="submissions"),
    path("submit", views.submit, name="submit"),
    path("template.xlsx", views.template, name="template"),
    path("template-example.xlsx", views.template_example, name="template_example"),
    path("submissions/<int:pk>", views.submission, name="submission"),
    path("submissions/<int:pk>/errors", views.error_report, name="error_report"),
    path("<int:pk>", views.return_detail, name="detail"),
    path("<int:pk>/<slug:sheet>", views.return_records, name="records"),
    path("lines/<int:pk>", views.line, name="line"),
    path("people/<int:pk>", views.person, name="person"),
    path("locations/<int:pk>", views.location, name="location"),
    path("vehicles/<int:pk>", views.vehicle, name="vehicle"),
    path("events/<int:pk>", views.event, name="event"),
]
