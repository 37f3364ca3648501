import pytest


@pytest.fixture(autouse=True)
def _raw_files_in_a_folder_of_the_test_s_own(settings, tmp_path):
    """Returns submitted by these tests keep their raw files out of the working tree."""
    settings.RAW_FILE_STORE = tmp_path / "raw-files"
    # And the people profile store (linkage/profile_store.py) out of it too.
    settings.VAR_DIR = tmp_path / "var"
