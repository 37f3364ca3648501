"""API routes. DRF authenticates machine clients itself (bearer tokens), so the site-wide
LoginRequiredMiddleware, which would send a token call to the sign-in page, stands aside."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from crossline.tasking import api

app_name = "tasking_api"
urlpatterns = [
    path("taskings", login_not_required(api.TaskingListView.as_view()), name="taskings"),
    path("taskings/<str:reference>", login_not_required(api.TaskingDetailView.as_view()), name="tasking"),
    path("taskings/<str:reference>/answer", login_not_required(api.TaskingAnswerView.as_view()), name="answer"),
    path("taskings/<str:reference>/updates", login_not_required(api.TaskingUpdateView.as_view()), name="updates"),
    path("taskings/<str:reference>/completion", login_not_required(api.TaskingCompletionView.as_view()),
         name="completion"),
    path("nominations", login_not_required(api.NominationListView.as_view()), name="nominations"),
    path("nominations/<int:pk>", login_not_required(api.NominationDetailView.as_view()), name="nomination"),
    path("nominations/<int:pk>/decision", login_not_required(api.NominationDecisionView.as_view()),
         name="decision"),
]
