"""A synthetic national picture of county lines, written as monthly national returns (format v1),
with the truth beside it. Every person, number, vehicle and address in it is made up.

    world = generate_world(seed=7, scale="demo")        # or "tiny", or a number of people records
    summary = write_returns(world, "out/", form="mixed")

writes, per force and month, `<force_code>_<period_end>_v<n>.<ext>`, and beside them:
- manifest.json: each file's force, period, version, form, submitted_at, due_at, sha256, record
  counts and any deliberate faults; and the force-months nobody submitted;
- truth.csv: `force_code,sheet,ref,entity_id` for every record submitted in a valid file (one row
  per force reference: a force keeps its reference from month to month), the shape of
  `crossline export entities`, so precision and recall come from a join;
- truth_lines_crossover.csv: each line's true exporting force -> importing force pairs.
"""

import csv
import hashlib
import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from crossline.synthetic.cast import gang_detail
from crossline.synthetic.faults import extra_columns, inject
from crossline.synthetic.reporting import ForceReporter, Style
from crossline.synthetic.world import Submission, World, build_world
from crossline.synthetic.writers import FORMS, Rendering, ReturnWriter, sheet_columns

REF_COLUMNS = {"lines": "line_ref", "people": "person_ref", "locations": "location_ref",
               "vehicles": "vehicle_ref", "events": "event_ref"}
EXTENSIONS = {"xlsx": "xlsx", "zip": "zip", "json": "json"}
MIXED_FORMS = ("xlsx", "zip", "json", "xlsx", "xlsx", "zip", "xlsx", "json", "xlsx", "zip")


def generate_world(*, seed: int = 7, scale: str | int = "demo", as_of: date | None = None,
                   months: int | None = None) -> World:
    """The world for `seed`: same seed, scale and as_of, same world."""
    return build_world(seed=seed, scale=scale, as_of=as_of, months=months)


@dataclass
class Summary:
    files: list[dict] = field(default_factory=list)
    records: Counter = field(default_factory=Counter)  # rows written, per sheet, across all files
    records_by_force: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    truth_rows: int = 0


def rendering(style: Style) -> Rendering:
    return Rendering(dates=style.dates, yes_no=style.yes_no, separator=style.separator,
                     bom=style.bom, omit=style.omit, shuffle_columns=style.shuffle_columns)


def return_header(world: World, style: Style, period) -> dict:
    analyst = random.Random(f"{world.seed}/analyst/{style.force}").choice(world.pools["analyst"])  # noqa: S311
    slug = world.geo.forces[style.force].slug
    return {"format_version": 1, "force": style.force_label, "period_start": period.start,
            "period_end": period.end, "submitted_by": f"DS {analyst}, Force Intelligence Bureau",
            "contact_email": f"county-lines.fib@{slug}.police.example"}


def mixed_forms(world: World) -> dict[str, str]:
    """Each force's form when forms are mixed: mostly xlsx, some zip, a few JSON, and all three
    whenever three or more forces submit."""
    forces = list(world.submitting_forces)
    random.Random(f"{world.seed}/forms").shuffle(forces)  # noqa: S311 - synthetic data
    return {force: MIXED_FORMS[index % len(MIXED_FORMS)] for index, force in enumerate(forces)}


def _fault_plan(world: World, faults: tuple[str, ...]) -> dict[tuple[str, int, int], str]:
    """Which submissions carry which deliberate fault: distinct first versions, chosen by seed."""
    candidates = sorted((s.force, s.period, s.version) for s in world.submissions if s.version == 1)
    resubmitted = {(s.force, s.period) for s in world.submissions if s.version == 2}
    candidates = [c for c in candidates if (c[0], c[1]) not in resubmitted]
    chosen = random.Random(f"{world.seed}/faults").sample(candidates, len(faults))  # noqa: S311
    return dict(zip(chosen, faults, strict=True))


def write_returns(world: World, out_dir: str | Path, form: str = "mixed", *,
                  faults: tuple[str, ...] | list[str] = ()) -> Summary:
    """Write every submission in `world` into `out_dir`, with manifest.json and the truth files."""
    if form not in (*FORMS, "mixed"):
        raise ValueError(f"form must be xlsx, zip, json or mixed, not {form!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fault_plan = _fault_plan(world, tuple(faults))
    summary = Summary()
    by_force: dict[str, list[Submission]] = defaultdict(list)
    for submission in world.submissions:
        by_force[submission.force].append(submission)
    with (out / "truth.csv").open("w", encoding="utf-8", newline="") as truth_file:
        truth = csv.writer(truth_file)
        truth.writerow(["force_code", "sheet", "ref", "entity_id"])
        for force in world.submitting_forces:
            _write_force(world, force, by_force[force], out, form, fault_plan, truth, summary)
    _write_crossover(world, out / "truth_lines_crossover.csv")
    manifest = {
        "generator": "crossline.synthetic", "seed": world.seed, "as_of": world.as_of.isoformat(),
        "periods": [{"start": p.start.isoformat(), "end": p.end.isoformat()} for p in world.periods],
        "files": summary.files,
        "not_submitted": [{"force": force, "period_end": world.periods[index].end.isoformat()}
                          for force, index in world.not_submitted],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return summary


def _write_force(world, force, submissions, out, form, fault_plan, truth, summary) -> None:
    reporter = ForceReporter(world, force)
    style = reporter.style
    render = rendering(style)
    writers: dict[int, list[tuple[Submission, ReturnWriter, str | None]]] = defaultdict(list)
    latest_version = Counter(s.period for s in submissions)
    for submission in sorted(submissions, key=lambda s: (s.period, s.version)):
        period = world.periods[submission.period]
        fault = fault_plan.get((force, submission.period, submission.version))
        file_form = mixed_forms(world)[force] if form == "mixed" else form
        if fault == "formula_cell":
            file_form = "xlsx"
        # A first version that a second one supersedes left its vehicles and events out.
        sheets = (("lines", "people", "locations") if submission.version < latest_version[submission.period]
                  else ("lines", "people", "locations", "vehicles", "events"))
        extra = extra_columns((fault,)) if fault else {}
        seed = f"{world.seed}/{force}"
        columns = {sheet: sheet_columns(sheet, render, extra=extra.get(sheet, ()), seed=seed) for sheet in sheets}
        name = f"{force}_{period.end.isoformat()}_v{submission.version}.{EXTENSIONS[file_form]}"
        writer = ReturnWriter(out / name, file_form, header=return_header(world, style, period), rendering=render,
                              columns=columns, sheets=sheets, stamp=submission.submitted_at.replace(tzinfo=None),
                              seed=seed)
        writers[submission.period].append((submission, writer, fault))
    seen: set[tuple[str, str]] = set()

    def emit(month, sheet, row, entity_id):
        valid = False
        for _submission, writer, fault in writers.get(month, ()):
            if sheet in writer.sheets:
                writer.add(sheet, row)
                valid = valid or not fault
        key = (sheet, row[REF_COLUMNS[sheet]])
        if valid and key not in seen:
            seen.add(key)
            truth.writerow([force, sheet, key[1], entity_id])
            summary.truth_rows += 1

    for gang in world.gangs_touching(force):
        for month, sheet, row, entity_id in reporter.gang_rows(gang_detail(world, gang)):
            emit(month, sheet, row, entity_id)
    for month in range(world.months):
        for sheet, row, entity_id in reporter.station_rows(month):
            emit(month, sheet, row, entity_id)
    for month_writers in writers.values():
        for submission, writer, fault in month_writers:
            period = world.periods[submission.period]
            located = inject(writer, fault, period_end=period.end, ref_prefix=style.ref_prefix) if fault else None
            writer.close()
            data = writer.path.read_bytes() if writer.path.stat().st_size < 64 << 20 else None
            summary.files.append({
                "file": writer.path.name, "force": force, "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(), "version": submission.version, "form": writer.form,
                "submitted_at": submission.submitted_at.isoformat(), "due_at": submission.due_at.isoformat(),
                "late": submission.submitted_at > submission.due_at, "sha256": _sha256(writer.path, data),
                "records": dict(writer.counts), "faults": [located.as_dict()] if located else [],
            })
            summary.records.update(writer.counts)
            summary.records_by_force[force].update(writer.counts)


def _sha256(path: Path, data: bytes | None) -> str:
    if data is not None:
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _write_crossover(world: World, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["line_id", "brand", "exporting_force", "importing_force", "importing_council"])
        for line in world.lines:
            for force, council in line.importing:
                writer.writerow([line.entity_id, line.brand, line.exporting_force, force, council])
