"""One tiny synthetic world, written once per test session, read by every test that needs files."""

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from crossline.returns.readers import read_upload
from crossline.synthetic.generate import generate_world, write_returns

AS_OF = date(2026, 11, 26)
RETURN_NAME = re.compile(r"(E23|W15)\d{6}_\d{4}-\d\d-\d\d_v\d+\.(xlsx|zip|json)|BTP_\d{4}-\d\d-\d\d_v\d+\.(xlsx|zip|json)")
SEED = 11


@pytest.fixture(scope="session")
def tiny_world():
    return generate_world(seed=SEED, scale="tiny", as_of=AS_OF)


@pytest.fixture(scope="session")
def tiny_returns(tmp_path_factory, tiny_world) -> Path:
    out = tmp_path_factory.mktemp("tiny-returns")
    write_returns(tiny_world, out, form="mixed")
    return out


def return_files(folder: Path) -> list[Path]:
    """The returns in `folder` (not the manifest or the truth files)."""
    return sorted(path for path in folder.iterdir() if RETURN_NAME.fullmatch(path.name))


def records(path: Path) -> Iterator[tuple[str, dict]]:
    """(sheet, cells) for every record row of a written return, read by the platform's own readers."""
    with read_upload(path.read_bytes(), path.name) as source:
        for sheet in source.sheet_names():
            if sheet != "return":
                for row in source.rows(sheet):
                    yield sheet, row.cells
