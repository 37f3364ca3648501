"""The one large return for ingest benchmarks is a valid return in every form."""

import pytest

from crossline.returns.readers import read_upload
from crossline.returns.validate import validate_return
from crossline.synthetic.bulk import write_single_return
from crossline.synthetic.tests.conftest import AS_OF


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["xlsx", "zip", "json"])
def test_a_single_large_return_is_valid(tmp_path, form):
    path = tmp_path / f"big.{form}"
    assert write_single_return(400, path, form, as_of=AS_OF) == {"lines": 400, "people": 400, "locations": 400}
    with read_upload(path.read_bytes(), path.name) as source:
        result = validate_return(source, today=AS_OF)
    assert [str(issue) for issue in result.errors[:5]] == []
    assert result.rows_read == 1200 + 6
