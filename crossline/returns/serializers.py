"""What the returns API says, field by field (allowlists: nothing is read from or written to a
model that is not named here)."""

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from crossline.core.problems import ProblemSerializer as CoreProblemSerializer
from crossline.returns.models import (
    IssueSeverity,
    NationalReturn,
    Submission,
    SubmissionIssue,
    SubmissionStatus,
)

ISSUES_LISTED = 1_000  # per kind; the counts give the totals and the error report has them all


class IssueSerializer(serializers.ModelSerializer):
    sheet = serializers.CharField(help_text="The sheet, or empty for the file as a whole.")
    row = serializers.IntegerField(allow_null=True, help_text="The row number (in JSON, the item's index + 2).")
    where = serializers.CharField(help_text='Where, as the submitter sees it: "people row 5", "people item 4".')

    class Meta:
        model = SubmissionIssue
        fields = ["sheet", "row", "column", "value", "message", "code", "where"]
        read_only_fields = fields


class ReturnCountsSerializer(serializers.Serializer):
    lines = serializers.IntegerField()
    people = serializers.IntegerField()
    locations = serializers.IntegerField()
    vehicles = serializers.IntegerField()
    events = serializers.IntegerField()


class StoredReturnSerializer(serializers.ModelSerializer):
    force = serializers.CharField(source="force_id", help_text="ONS police force area code, or BTP.")
    force_name = serializers.CharField(source="force.force_name")
    counts = ReturnCountsSerializer()

    class Meta:
        model = NationalReturn
        fields = ["id", "force", "force_name", "period_start", "period_end", "version", "accepted_at", "counts"]
        read_only_fields = fields


class SubmissionResultSerializer(serializers.ModelSerializer):
    """One attempt to submit a return and its outcome. Only what never changes once the attempt
    is decided, so that a retry with the same Idempotency-Key gets exactly the first answer."""

    status = serializers.ChoiceField(choices=SubmissionStatus.choices, help_text=(
        "accepted: stored as `national_return`; duplicate: the same as the stored `national_return`, nothing "
        "new stored; "
        "rejected: nothing stored, see `errors`; received: still being checked; failed: the platform failed, "
        "send it again with the same Idempotency-Key."))
    form = serializers.CharField(help_text='"xlsx", "zip" or "json"; empty when the file was none of them.')
    sha256 = serializers.CharField(source="raw_sha256", help_text="SHA-256 of the file or body as received.")
    size = serializers.IntegerField(source="raw_size")
    national_return = StoredReturnSerializer(allow_null=True, help_text=(
        "The return this attempt stored (accepted) or matched (duplicate)."))
    errors = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = ["id", "status", "received_at", "finished_at", "filename", "form", "sha256", "size", "rows_read",
                  "error_count", "warning_count", "national_return", "errors", "warnings"]
        read_only_fields = fields

    def _issues(self, submission: Submission, severity: str) -> list[dict]:
        issues = submission.issues.filter(severity=severity).order_by("id")[:ISSUES_LISTED]
        return IssueSerializer(issues, many=True).data

    @extend_schema_field(IssueSerializer(many=True))
    def get_errors(self, submission: Submission) -> list[dict]:
        """The first 1,000 errors, in the order found; `error_count` is the total."""
        return self._issues(submission, IssueSeverity.ERROR)

    @extend_schema_field(IssueSerializer(many=True))
    def get_warnings(self, submission: Submission) -> list[dict]:
        """The first 1,000 warnings; `warning_count` is the total."""
        return self._issues(submission, IssueSeverity.WARNING)


# --- request bodies, for the OpenAPI document (the service reads the body itself) --------------
class ReturnDocumentSerializer(serializers.Serializer):
    """The JSON form of a return (return-format-v1.md, "JSON form")."""

    return_ = serializers.DictField(help_text="format_version, force, period_start, period_end, submitted_by, "
                                              "contact_email.")
    lines = serializers.ListField(child=serializers.DictField(), help_text="One object per line.")
    people = serializers.ListField(child=serializers.DictField(), help_text="One object per person.")
    locations = serializers.ListField(child=serializers.DictField(), help_text="One object per location.")
    vehicles = serializers.ListField(child=serializers.DictField(), required=False)
    events = serializers.ListField(child=serializers.DictField(), required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["return"] = fields.pop("return_")  # a Python keyword, so declared under another name
        return fields


class ReturnFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The return as .xlsx, a .zip of CSV files, or .json; at most 20 MB.")


@extend_schema_serializer(component_name="ReturnProblem")  # "Problem" is the core one's name in the schema
class ProblemSerializer(CoreProblemSerializer):
    """RFC 9457 problem details, as the returns API sends them."""

    submission = serializers.IntegerField(required=False, help_text="The submission the problem concerns.")
