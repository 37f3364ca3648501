from django.urls import path

from crossline.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.priorities, name="priorities"),
    path("export.<str:form>", views.priorities_export, name="export"),
    path("your-area", views.force_lines, name="force"),
    path("lines/<int:pk>", views.line, name="line"),
    path("scoring", views.scoring, name="scoring"),
    path("scoring/change", views.scoring_change, name="scoring_change"),
]
