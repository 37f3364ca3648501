from django.urls import path

from crossline.linkage.views import crossover, review

app_name = "linkage"
urlpatterns = [
    path("", crossover.home, name="home"),
    path("matrix", crossover.matrix, name="matrix"),
    path("forces/<str:code>", crossover.force, name="force"),
    path("entities/<int:pk>", crossover.entity, name="entity"),
    path("entities/<int:pk>/network", crossover.network, name="network"),
    path("entities/<int:pk>/ask/<str:code>", review.access_request, name="access_request"),
    path("feedback", crossover.feedback, name="feedback"),
    path("feedback.<str:form>", crossover.feedback_download, name="feedback_download"),
    path("runs", crossover.runs, name="runs"),
    path("runs/<int:pk>", crossover.run, name="run"),
    path("review", review.queue, name="queue"),
    path("review/<int:pk>", review.pair, name="pair"),
    path("links/<int:pk>/undo", review.undo, name="undo"),
    path("exclusions", review.exclusions, name="exclusions"),
    path("exclusions/<int:pk>/remove", review.exclusion_remove, name="exclusion_remove"),
    path("access-requests", review.access_requests, name="access_requests"),
    path("access-requests/<int:pk>", review.access_decide, name="access_decide"),
]
