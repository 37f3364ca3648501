"""`python -m crossline.synthetic` writes the set and says what it wrote."""

import json

from crossline.synthetic.__main__ import main


def test_the_command_writes_returns_and_reports_counts_per_sheet_and_force(tmp_path, capsys):
    assert main(["--seed", "3", "--scale", "tiny", "--out", str(tmp_path), "--form", "json",
                 "--as-of", "2026-11-26", "--fault", "bad_date"]) == 0
    printed = capsys.readouterr().out
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert f"Wrote {len(manifest['files'])} returns" in printed
    assert "people" in printed and "E23000004" in printed
    assert "Fault bad_date" in printed
    assert {entry["form"] for entry in manifest["files"]} == {"json"}


def test_the_command_writes_one_large_return(tmp_path, capsys):
    assert main(["--single-return", "50", "--out", str(tmp_path), "--form", "zip", "--as-of", "2026-11-26"]) == 0
    assert (tmp_path / "single_return_50.zip").exists()
    assert "people 50" in capsys.readouterr().out
