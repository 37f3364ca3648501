"""The demonstration's scores: every resolved line scored once with the shipped scoring model.

Run after linkage has resolved the demo returns (`crossline resolve --full`): scoring reads the
resolved entities, so before resolution there is nothing to score.
"""

from crossline.assessment.models import Assessment, AssessmentTrigger
from crossline.assessment.services import assess_lines, scoring_model_ensure


def assessment_demo_load(*, progress=None) -> Assessment:
    scoring_model_ensure()
    return assess_lines(trigger=AssessmentTrigger.DEMO, progress=progress)
