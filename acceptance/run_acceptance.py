"""Acceptance run: submit independent returns through Crossline's public interfaces and check them.

    .venv/bin/python acceptance/run_acceptance.py [--keep] [--port N]

Uses a scratch SQLite database in a temporary CROSSLINE_VAR_DIR (never var/ nor DATABASE_URL).
The work tree is shared and changes under a long run, so by default the product is run from a
snapshot copy of it taken at the start (--live runs the tree in place). Generates the returns with
acceptance/make_returns.py, then:
  1. sets up the cast (demo users + a Cumbria submitter + one machine client per force);
  2. submits the valid returns (CLI `crossline ingest`, API `POST /api/v1/returns`) and reads them back;
  3. submits the same content again (CLI, API JSON, API file) and expects one return;
  4. submits the probe and every invalid/hostile file, comparing errors with the expected sheet/row/column;
  5. runs `crossline resolve --full` and `crossline export entities`, scores pairwise P/R/F1 per kind;
  6. reads the crossover page as the national co-ordinator and compares it with the truth.
Prints a table of discrepancies at the end; writes acceptance-report.json in the scratch folder.
"""

# ruff: noqa: S310, S603  (a test harness: runs our own CLI and calls our own server on 127.0.0.1)
import argparse
import csv
import http.cookiejar
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv/bin/python")
TREE = ROOT  # the product's code: ROOT, or a snapshot of it (see snapshot())
FINDINGS = []  # (area, file, expected, actual, kind)
CHECKS = {"pass": 0, "fail": 0}


def finding(area, file, expected, actual, kind="product bug?"):
    FINDINGS.append({"area": area, "file": file, "expected": expected, "actual": actual, "kind": kind})
    CHECKS["fail"] += 1
    print(f"  ✗ [{area}] {file}: expected {expected}; got {actual}")


def ok(msg):
    CHECKS["pass"] += 1
    print(f"  ✓ {msg}")


# ------------------------------------------------------------------------------------------------
# Environment and the product's two interfaces
# ------------------------------------------------------------------------------------------------

def scratch_env(var_dir):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE"}}
    env.update(CROSSLINE_VAR_DIR=str(var_dir), CROSSLINE_DEMO="1", PYTHONUNBUFFERED="1", PYTHONPATH=str(TREE))
    return env


def snapshot(dest):
    """Copy the code (not .git, .venv, node_modules, var) so that others' edits mid-run don't mix in."""
    ignore = shutil.ignore_patterns(".git", ".venv", "node_modules", "var", "static_build", "__pycache__",
                                    "*.egg-info", ".pytest_cache", ".ruff_cache", ".hypothesis", "acceptance")
    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def crossline_cmd(*args):
    return [PYTHON, "-m", "crossline.cli", *args]


def cli(env, *args, timeout=300):
    t0 = time.monotonic()
    proc = subprocess.run(crossline_cmd(*args), env=env, cwd=TREE, capture_output=True, text=True, timeout=timeout)
    out = "\n".join(line for line in (proc.stdout + "\n" + proc.stderr).splitlines()
                    if "staticfiles.W004" not in line and "System check identified" not in line
                    and line.strip() != "WARNINGS:")
    return proc.returncode, out, time.monotonic() - t0


SETUP = r"""
import json
from crossline.demo.services import demo_users_load
from crossline.accounts.models import User, RoleGrant
from crossline.accounts.roles import Role
from crossline.accounts.services import machine_client_create
from crossline.organisations.selectors import force_organisation
demo_users_load()
def user(email, code, roles):
    u, _ = User.objects.update_or_create(username=email, defaults={"email": email, "full_name": email.split("@")[0].title(),
        "organisation": force_organisation(code), "is_active": True})
    u.set_password("acceptance test password 2026 long"); u.save()
    for r in roles: RoleGrant.objects.get_or_create(user=u, role=r)
    return u
user("submitter@cumbria.acceptance", "E23000002", [Role.SUBMITTER])
tokens = {}
for code in ["E23000010", "E23000009", "E23000004", "E23000002"]:
    admin = user(f"admin-{code}@acceptance.test", code, [Role.ORGANISATION_ADMIN])
    _, token = machine_client_create(request=None, by=admin, name="acceptance", scopes=["returns:submit", "returns:read"])
    tokens[code] = token
print("TOKENS=" + json.dumps(tokens))
"""


class Api:
    def __init__(self, base, tokens):
        self.base, self.tokens = base, tokens

    def request(self, method, path, *, force, body=None, content_type=None, key=None, retries=5):
        headers = {"Authorization": f"Bearer {self.tokens[force]}", "Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        if key:
            headers["Idempotency-Key"] = key
        for _ in range(retries):
            req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=180) as resp:
                    return resp.status, json.loads(resp.read() or b"{}")
            except urllib.error.HTTPError as exc:
                payload = exc.read()
                if exc.code in (409, 429):
                    time.sleep(float(exc.headers.get("Retry-After") or 2))
                    continue
                try:
                    return exc.code, json.loads(payload)
                except ValueError:
                    return exc.code, {"raw": payload[:300].decode(errors="replace")}
        return None, {"raw": "gave up after retries (409/429)"}

    def submit_json(self, force, path, key=None):
        return self.request("POST", "/api/v1/returns", force=force, body=Path(path).read_bytes(),
                            content_type="application/json", key=key or str(uuid.uuid4()))

    def submit_file(self, force, path, key=None):
        boundary = "----acceptance" + uuid.uuid4().hex
        data = Path(path).read_bytes()
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{Path(path).name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return self.request("POST", "/api/v1/returns", force=force, body=body,
                            content_type=f"multipart/form-data; boundary={boundary}", key=key or str(uuid.uuid4()))

    def submission(self, force, sid):
        return self.request("GET", f"/api/v1/returns/submissions/{sid}", force=force)


def parse_cli_outcome(out):
    status = None
    for word in ("ACCEPTED", "REJECTED", "DUPLICATE", "FAILED"):
        if re.search(rf"^{word}\b", out, re.M):
            status = word.lower()
    m_sub = re.search(r"submission (\d+)", out)
    m_ret = re.search(r"return (\d+)", out)
    return status, int(m_sub.group(1)) if m_sub else None, int(m_ret.group(1)) if m_ret else None


def cli_ingest_batch(env, paths, submitter, timeout=400):
    """One `crossline ingest A B C --as X` call; the outcome per file name."""
    rc, out, secs = cli(env, "ingest", *map(str, paths), "--as", submitter, timeout=timeout)
    outcomes = {}
    for line in out.splitlines():
        m = re.match(r"^(ACCEPTED|REJECTED|DUPLICATE|FAILED)\s+(.+?):.*?submission (\d+)", line)
        if m:
            outcomes[m.group(2)] = (m.group(1).lower(), int(m.group(3)), line)
        m = re.match(r"^CommandError: (.+?): (the platform failed.*)", line)
        if m:
            outcomes[m.group(1)] = ("failed", None, line)
    return outcomes, out, secs


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------------------
# Checks
# ------------------------------------------------------------------------------------------------

def match_errors(expected, errors):
    """Each expected (sheet,row,columns) must be met by some error. Returns (missing, unexpected)."""
    missing, used = [], set()
    for exp in expected:
        hit = None
        for i, err in enumerate(errors):
            sheet = (err.get("sheet") or "").lower()
            if exp["sheet"] == "":
                hit = i  # a file-level refusal: any error will do
                break
            if sheet != exp["sheet"]:
                continue
            if exp["row"] is not None and err.get("row") != exp["row"]:
                continue
            if exp["columns"] and (err.get("column") or "") not in exp["columns"]:
                continue
            hit = i
            break
        if hit is None:
            missing.append(exp)
        else:
            used.add(hit)
    # Errors on a row/sheet that no expectation mentions are unexpected (same row, another column is fine).
    unexpected = [e for i, e in enumerate(errors) if i not in used and not any(
        (e.get("sheet") or "").lower() == x["sheet"] and (x["row"] is None or e.get("row") == x["row"])
        for x in expected) and not any(x["sheet"] == "" for x in expected)]
    return missing, unexpected


def fmt_err(e):
    return f"{e.get('sheet') or '-'}/{e.get('row')}/{e.get('column') or '-'} {e.get('value', '')!r}: {e.get('message', '')[:90]}"


def fmt_exp(x):
    return f"{x['sheet'] or '(file)'}/{x['row'] if x['row'] is not None else '*'}/{'|'.join(x['columns']) or '*'}"


def pairs_by_kind(rows):
    groups = defaultdict(lambda: defaultdict(set))
    for kind, key, entity in rows:
        groups[kind][entity].add(key)
    out = {}
    for kind, ents in groups.items():
        out[kind] = {tuple(sorted(p)) for members in ents.values() for p in itertools.combinations(sorted(members), 2)}
    return out


KIND = {"lines": "lines", "line": "lines", "people": "people", "person": "people", "locations": "locations",
        "location": "locations", "vehicles": "vehicles", "vehicle": "vehicles"}


class TableParser(HTMLParser):
    """Every <table> on a page as a list of rows of cell texts (for the crossover page)."""

    def __init__(self):
        super().__init__()
        self.tables, self._row, self._cell, self.in_cell = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell, self.in_cell = [], True

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.in_cell:
            self._row.append(" ".join("".join(self._cell).split()))
            self.in_cell = False
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self.in_cell:
            self._cell.append(data)


class Browser:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path):
        try:
            with self.opener.open(self.base + path, timeout=60) as r:
                return r.status, r.geturl(), r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, path, exc.read().decode(errors="replace")

    def post_form(self, path, fields):
        _, _, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        fields = dict(fields, csrfmiddlewaretoken=token.group(1) if token else "")
        data = urllib.parse.urlencode(fields).encode()
        req = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + path})
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.geturl(), r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, path, exc.read().decode(errors="replace")


# ------------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--live", action="store_true", help="run the work tree in place, not a snapshot")
    args = parser.parse_args()
    t_start = time.monotonic()
    var = Path(tempfile.mkdtemp(prefix="crossline-acceptance-"))
    global TREE
    if not args.live:
        TREE = snapshot(var / "tree")
    env = scratch_env(var)
    print(f"Scratch folder: {var}; product code from {TREE}")
    server = None
    try:
        server = run(args, var, env)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=20)
        report = {"checks": CHECKS, "findings": FINDINGS, "seconds": round(time.monotonic() - t_start, 1)}
        (var / "acceptance-report.json").write_text(json.dumps(report, indent=1, default=str))
        print_table()
        print(f"\n{CHECKS['pass']} passed, {CHECKS['fail']} failed in {report['seconds']} s "
              f"(report: {var / 'acceptance-report.json'})")
        if not args.keep:
            shutil.copy(var / "acceptance-report.json", Path(tempfile.gettempdir()) / "crossline-acceptance-report.json")
            shutil.rmtree(var, ignore_errors=True)


def run(args, var, env):
    print("== Set-up (scratch SQLite, reference data, cast, machine clients)")
    rc, out, _ = cli(env, "makemigrations", "--check", "--dry-run")
    if rc:
        sys.exit(f"The product's models and migrations disagree in this tree (someone mid-edit?): rerun.\n{out}")
    for step in (["migrate", "--noinput", "-v0"], ["refdata", "load"]):
        rc, out, _ = cli(env, *step)
        if rc:
            sys.exit(f"set-up failed: {step}: {out}")
    rc, out, _ = cli(env, "shell", "-c", SETUP)
    m = re.search(r"TOKENS=(\{.*\})", out)
    if rc or not m:
        sys.exit(f"cast set-up failed: {out}")
    tokens = json.loads(m.group(1))

    data = var / "returns"
    subprocess.run([PYTHON, str(ROOT / "acceptance/make_returns.py"), "--out", str(data), "--seed", str(args.seed)],
                   check=True)
    manifest = json.loads((data / "manifest.json").read_text())

    port = args.port or free_port()
    log = open(var / "server.log", "w")
    server = subprocess.Popen(crossline_cmd("runserver", f"127.0.0.1:{port}", "--noreload"), env=env, cwd=TREE,
                              stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(60):
        try:
            urllib.request.urlopen(base + "/account/sign-in", timeout=2)
            break
        except Exception:
            time.sleep(0.5)
    api = Api(base, tokens)

    # -------------------------------------------------------------------------------- valid
    print("\n== Valid returns")
    stored = {}
    for item in manifest["valid"]:
        path = data / item["file"]
        if item["channel"] == "cli":
            rc, out, secs = cli(env, "ingest", str(path), "--as", item["submitter"])
            status, sid, rid = parse_cli_outcome(out)
            if status != "accepted":
                finding("valid", item["file"], "accepted", f"{status} (rc {rc}): {out.strip()[-1500:]}")
                continue
            code, sub = api.submission(item["force"], sid)
        else:
            code, sub = api.submit_json(item["force"], path)
            if code != 201 or sub.get("status") != "accepted":
                errs = "; ".join(fmt_err(e) for e in sub.get("errors", [])[:12]) or sub
                finding("valid", item["file"], "201 accepted", f"{code} {sub.get('status')}: {errs}")
                continue
            sid = sub["id"]
            code, sub = api.submission(item["force"], sid)
        ret = (sub or {}).get("national_return") or {}
        if code != 200 or sub.get("status") != "accepted" or not ret:
            finding("browse", item["file"], "GET submission: 200 accepted with its return", f"{code} {sub}")
            continue
        ok(f"{item['file']} accepted via {item['channel']} as return {ret['id']} (submission {sid}, "
           f"{sub.get('warning_count')} warnings)")
        stored[item["file"]] = ret["id"]
        stored[item["file"] + "#submission"] = sid
        if ret.get("version") != item["version"]:
            finding("versions", item["file"], f"version {item['version']}", f"version {ret.get('version')}")
        elif item["version"] > 1:
            ok(f"  stored as version {ret['version']} of {ret.get('force_name')} {ret['period_start']}")
            first = item["file"].replace("_v2", "")
            code, old = api.submission(item["force"], stored.get(first + "#submission"))
            old_ret = (old or {}).get("national_return") or {}
            if code == 200 and old_ret.get("version") == 1:
                ok(f"  version 1 still readable (return {old_ret.get('id')}, counts {old_ret.get('counts')})")
            else:
                finding("versions", first, "the superseded version stays readable", f"{code} {old}")
        for w in sub.get("warnings", []):
            print(f"      warning: {fmt_err(w)}")
        want = {k: v for k, v in item["counts"].items()}
        got = {k: ret.get("counts", {}).get(k) for k in want}
        if got != want:
            finding("browse", item["file"], f"counts {want}", f"counts {got}")
        if ret.get("force") != item["force"] or ret.get("period_start") != item["period_start"] \
                or ret.get("period_end") != item["period_end"]:
            finding("browse", item["file"], f"{item['force']} {item['period_start']}..{item['period_end']}",
                    f"{ret.get('force')} {ret.get('period_start')}..{ret.get('period_end')}")
        else:
            ok(f"  read back over the API: {ret.get('force_name')} {ret['period_start']}..{ret['period_end']}, "
               f"counts match")

    # -------------------------------------------------------------------------------- duplicates
    print("\n== The same content again")
    wy = "valid/west_yorkshire_2026-10.xlsx"
    mer = "valid/merseyside_2026-10.json"
    if wy in stored:
        rc, out, _ = cli(env, "ingest", str(data / wy), "--as", "submitter@westyorkshire.demo")
        status, sid, rid = parse_cli_outcome(out)
        code, sub = api.submission("E23000010", sid) if sid else (None, {})
        got = (sub.get("national_return") or {}).get("id")
        if sub.get("status") == "duplicate" and got == stored[wy]:
            ok(f"CLI: same xlsx again -> duplicate of return {got}")
        else:
            finding("duplicate", wy + " (CLI again)", f"duplicate of return {stored[wy]}",
                    f"{sub.get('status')} return {got}: {out.strip()[-300:]}")
        code, sub = api.submit_file("E23000010", data / wy)
        got = (sub.get("national_return") or {}).get("id")
        if sub.get("status") == "duplicate" and got == stored[wy]:
            ok(f"API multipart: same xlsx -> duplicate of return {got}")
        else:
            finding("duplicate", wy + " (API file)", f"duplicate of return {stored[wy]}", f"{code} {sub.get('status')} {got}")
    if mer in stored:
        code, sub = api.submit_json("E23000004", data / mer)
        got = (sub.get("national_return") or {}).get("id")
        if sub.get("status") == "duplicate" and got == stored[mer]:
            ok(f"API JSON: same body, new key -> duplicate of return {got}")
        else:
            finding("duplicate", mer + " (API again)", f"duplicate of return {stored[mer]}", f"{code} {sub.get('status')} {got}")
        # The same JSON re-serialised (other key order, other whitespace) is the same content.
        doc = json.loads((data / mer).read_text())
        alt = var / "merseyside_reordered.json"
        alt.write_text(json.dumps({k: doc[k] for k in reversed(list(doc))}, separators=(",", ":"),
                                  ensure_ascii=True))
        code, sub = api.submit_json("E23000004", alt)
        got = (sub.get("national_return") or {}).get("id")
        if sub.get("status") == "duplicate" and got == stored[mer]:
            ok("API JSON: same content re-serialised -> duplicate")
        else:
            finding("duplicate", mer + " (re-serialised)", f"duplicate of return {stored[mer]}",
                    f"{code} {sub.get('status')} return {got}")
        key = str(uuid.uuid4())
        c1, s1 = api.submit_json("E23000004", data / mer, key=key)
        c2, s2 = api.submit_json("E23000004", data / mer, key=key)
        if (c1, s1.get("id")) == (c2, s2.get("id")):
            ok(f"API: same Idempotency-Key and body -> the same answer (submission {s1.get('id')})")
        else:
            finding("idempotency", mer, "same key+body gives the first answer", f"{c1} {s1.get('id')} / {c2} {s2.get('id')}")
        c3, s3 = api.submit_json("E23000004", alt, key=key)
        if c3 == 422:
            ok("API: same Idempotency-Key with a different body -> 422")
        else:
            finding("idempotency", mer, "same key, different body -> 422", f"{c3} {s3}")

    # -------------------------------------------------------------------------------- probe
    print("\n== Probe (valid by my reading of the spec's looser corners)")
    by_submitter = defaultdict(list)
    for item in manifest["probe"]:
        by_submitter[item["submitter"]].append(item)
    for submitter, items in by_submitter.items():
        outcomes, out, _ = cli_ingest_batch(env, [data / i["file"] for i in items], submitter)
        for item in items:
            status, sid, line = outcomes.get(Path(item["file"]).name, (None, None, out[-300:]))
            code, sub = api.submission(item["force"], sid) if sid else (None, {})
            if status == "accepted":
                ok(f"{item['file']} accepted ({item['note']})")
                for w in sub.get("warnings", []):
                    print(f"      warning: {fmt_err(w)}")
            else:
                for e in sub.get("errors", []) or [{"message": line}]:
                    finding("probe", item["file"], f"accepted ({item['note'][:60]})", fmt_err(e),
                            kind="spec reading?")

    # -------------------------------------------------------------------------------- invalid
    print("\n== Invalid and hostile returns")
    batch = defaultdict(list)
    for item in manifest["invalid"]:
        if item["channel"] == "cli":
            batch[item["submitter"]].append(data / item["file"])
    cli_outcomes, cli_outs = {}, {}
    for submitter, paths in batch.items():
        t0 = time.monotonic()
        try:
            outcomes, out, _ = cli_ingest_batch(env, paths, submitter)
        except subprocess.TimeoutExpired:
            finding("invalid", "(CLI batch)", "rejected promptly", "CLI still running after 400 s")
            continue
        print(f"  CLI: {len(paths)} files in one `crossline ingest` call, {time.monotonic() - t0:.1f} s")
        cli_outcomes.update(outcomes)
        cli_outs[submitter] = out
    for item in manifest["invalid"]:
        path = data / item["file"]
        label = f"{item['file']} ({item['channel']})"
        t0 = time.monotonic()
        if item["channel"] == "cli":
            status, sid, out = cli_outcomes.get(path.name, (None, None, cli_outs.get(item["submitter"], "")[-300:]))
            code, sub = api.submission(item["force"], sid) if sid else (None, {})
            if not sid:
                sub = {"status": status, "errors": [{"message": out}]}
        else:
            if item["form"] == "json":
                code, sub = api.submit_json(item["force"], path)
            else:
                code, sub = api.submit_file(item["force"], path)
            out = ""
        secs = time.monotonic() - t0
        timing = f"in {secs:.1f} s" if item["channel"] == "api" else "(batched)"
        status = sub.get("status")
        if status == "accepted" or sub.get("national_return"):
            finding("invalid", label, "rejected, nothing stored",
                    f"{status}, stored return {(sub.get('national_return') or {}).get('id')}")
            continue
        rejected = status == "rejected" or (item["channel"] == "api" and code in (400, 413, 415) and status is None)
        if not rejected:
            finding("invalid", label, "rejected", f"HTTP {code} status {status}: {str(sub)[:300]}")
            continue
        errors = sub.get("errors") or ([{"sheet": "", "message": sub.get("detail", "")}] if sub.get("detail") else [])
        missing, unexpected = match_errors(item["expected_errors"], errors)
        tolerated = [e for e in unexpected if [(e.get("sheet") or "").lower(), e.get("column")] in item["tolerate"]]
        unexpected = [e for e in unexpected if e not in tolerated]
        if tolerated:
            print(f"      ({len(tolerated)} knock-on errors tolerated, e.g. {fmt_err(tolerated[0])})")
        if missing:
            for x in missing:
                finding("invalid", label, f"error at {fmt_exp(x)} ({item['note']})",
                        "errors were: " + " | ".join(fmt_err(e) for e in errors[:8]) or "(none)",
                        kind="product bug?")
        else:
            ok(f"{label} rejected {timing} with the expected errors: "
               + "; ".join(fmt_err(e) for e in errors[:4]) + (" …" if len(errors) > 4 else ""))
        for e in unexpected:
            finding("invalid-extra", label, "no other errors", fmt_err(e), kind="check")
        if item["channel"] == "cli" and "nothing was stored" not in out and sid:
            finding("invalid", label, "CLI says nothing was stored", out.strip()[-200:], kind="check")

    # -------------------------------------------------------------------------------- resolution
    print("\n== Resolution across forces")
    rc, out, secs = cli(env, "resolve", "--full", timeout=600)
    print(f"  resolve --full: rc {rc} in {secs:.1f} s\n    " + "\n    ".join(out.strip().splitlines()[-8:]))
    if rc:
        finding("resolve", "resolve --full", "rc 0", f"rc {rc}: {out[-600:]}")
        return server
    export = var / "entities.csv"
    rc, out, _ = cli(env, "export", "entities", "--out", str(export))
    if rc or not export.exists():
        finding("export", "export entities", "a CSV", f"rc {rc}: {out[-400:]}")
        return server
    with open(export, newline="") as fh:
        exported = list(csv.DictReader(fh))
    if exported and list(exported[0].keys()) != ["force_code", "sheet", "ref", "entity_id"]:
        finding("export", "entities.csv", "columns force_code,sheet,ref,entity_id", list(exported[0].keys()))
    bad = [r for r in exported if r["ref"].startswith(("BAD-", "BOMB-"))]
    if bad:
        finding("invalid", "entities.csv", "no record of a rejected return stored",
                f"{len(bad)} rows, e.g. {bad[:3]}")
    else:
        ok(f"no record of any rejected return among the {len(exported)} exported rows")
    seen = defaultdict(set)
    for r in exported:
        seen[(r["force_code"], r["sheet"], r["ref"])].add(r["entity_id"])
    twice = {k: v for k, v in seen.items() if len(v) > 1}
    if twice:
        finding("export", "entities.csv", "one entity per force reference", f"{len(twice)} refs with several: "
                f"{list(twice.items())[:3]}")
    elif len(seen) != len(exported):
        finding("export", "entities.csv", "one row per force reference",
                f"{len(exported)} rows for {len(seen)} references (a superseded version exported too?)")
    else:
        ok(f"one row per force reference ({len(seen)}); the superseded Cumbria version is not exported twice")
    with open(data / "truth.csv", newline="") as fh:
        truth = list(csv.DictReader(fh))
    key = lambda r: (r["force_code"], KIND.get(r["sheet"].lower(), r["sheet"]), r["ref"])  # noqa: E731
    truth_keys = {key(r) for r in truth}
    product_map = {key(r): r["entity_id"] for r in exported}
    missing_rows = [k for k in truth_keys if k not in product_map]
    if missing_rows:
        finding("export", "entities.csv", "a row for every stored line/person/location/vehicle",
                f"{len(missing_rows)} missing, e.g. {sorted(missing_rows)[:4]}")
    browser = signed_in_browser(base, env)
    review = review_pairs(browser, {r["ref"] for r in truth})
    truth_pairs = pairs_by_kind((key(r)[1], key(r), r["entity_id"]) for r in truth)
    prod_pairs = pairs_by_kind((k[1], k, product_map[k]) for k in truth_keys if k in product_map)
    print(f"\n  {'kind':10} {'true pairs':>10} {'found':>6} {'TP':>4} {'precision':>9} {'recall':>7} {'F1':>6}")
    scores = {}
    for kind in ("lines", "people", "locations", "vehicles"):
        t, p = truth_pairs.get(kind, set()), prod_pairs.get(kind, set())
        tp = len(t & p)
        prec = tp / len(p) if p else 1.0
        rec = tp / len(t) if t else 1.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        scores[kind] = (prec, rec, f1)
        print(f"  {kind:10} {len(t):>10} {len(p):>6} {tp:>4} {prec:>9.2f} {rec:>7.2f} {f1:>6.2f}")
        truth_ent = {key(r): r["entity_id"] for r in truth}
        for a, b in sorted(p - t):
            finding("linkage", f"{kind}", "not linked", f"linked {a[0]}/{a[2]} ({truth_ent[a]}) with "
                    f"{b[0]}/{b[2]} ({truth_ent[b]})")
        for a, b in sorted(t - p):
            prob = review.get(frozenset((a[2], b[2])))
            if prob:
                finding("linkage", f"{kind}", f"linked ({truth_ent[a]})",
                        f"{a[0]}/{a[2]} and {b[0]}/{b[2]} not linked but queued for review (p={prob})",
                        kind="judgement")
            else:
                finding("linkage", f"{kind}", f"linked ({truth_ent[a]})",
                        f"{a[0]}/{a[2]} and {b[0]}/{b[2]} left apart, not even queued for review")
        truth_pair_set = {frozenset((a[2], b[2])) for a, b in t}
        for pair, prob in review.items():
            refs = sorted(pair)
            kinds = {key(r)[1] for r in truth if r["ref"] in pair}
            if kinds == {kind} and pair not in truth_pair_set:
                ok(f"  {kind}: {refs[0]} / {refs[1]} (different {kind} in truth) held for review, not linked "
                   f"(p={prob})")

    # -------------------------------------------------------------------------------- crossover
    print("\n== Crossover (lines exported from A into B)")
    unlinked = {f["expected"].split("(")[-1].rstrip(")") for f in FINDINGS if f["area"] == "linkage"}
    check_crossover(browser, data, unlinked)
    return server


NAMES = {"E23000010": "West Yorkshire", "E23000009": "North Yorkshire", "E23000004": "Merseyside",
         "E23000002": "Cumbria", "E23000003": "Lancashire"}


def crossover_truth(data):
    """{show: {(force A, force B): set of entities}} from my truth; lines directed, the rest unordered."""
    out = {"lines": defaultdict(set), "people": defaultdict(set), "vulnerable": defaultdict(set),
           "locations": defaultdict(set)}
    with open(data / "crossover.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["exporting_force"] != r["importing_force"]:
                out["lines"][(r["exporting_force"], r["importing_force"])].add(r["entity_id"])
    vulnerable = {r["entity_id"] for r in csv.DictReader(open(data / "vulnerable.csv", newline=""))}
    forces = defaultdict(set)
    for r in csv.DictReader(open(data / "truth.csv", newline="")):
        forces[(KIND[r["sheet"]], r["entity_id"])].add(r["force_code"])
    for (kind, entity), fs in forces.items():
        if kind not in ("people", "locations"):
            continue
        for a, b in itertools.combinations(sorted(fs), 2):
            out[kind][(a, b)].add(entity)
            if kind == "people" and entity in vulnerable:
                out["vulnerable"][(a, b)].add(entity)
    return out


def signed_in_browser(base, env):
    """The national co-ordinator (demo cast), signed in with password and authenticator code."""
    b = Browser(base)
    b.post_form("/account/sign-in", {"username": "coordinator@nclcc.demo", "password": "crossline demo password 2026"})
    _, code, _ = cli(env, "demo", "mfa-code")
    code = re.findall(r"\b\d{6}\b", code)[-1]
    b.post_form("/account/mfa", {"code": code})
    return b


def review_pairs(b, refs):
    """{frozenset of two refs: probability} from the review queue page."""
    status, url, page = b.get("/crossover/review")
    parser = TableParser()
    parser.feed(page)
    out = {}
    for table in parser.tables:
        for row in table[1:]:
            text = " ".join(row)
            found = [r for r in refs if re.search(rf"(?<![\w-]){re.escape(r)}(?![\w-])", text)]
            prob = next((c for c in row if re.fullmatch(r"0?\.\d+|1(\.0+)?", c)), "?")
            if len(found) == 2:
                out[frozenset(found)] = prob
    print(f"  review queue (/crossover/review): {len(out)} pairs among my records: "
          + "; ".join(f"{'/'.join(sorted(k))} p={v}" for k, v in out.items()))
    return out


def check_crossover(b, data, unlinked=frozenset()):
    """The matrix page against my truth; a miss that only follows a linkage miss is marked as such."""
    truth = crossover_truth(data)
    status, url, page = b.get("/crossover/matrix")
    if status != 200 or "/sign-in" in url or "/mfa" in url:
        finding("crossover", "/crossover/matrix", "a page for the national co-ordinator", f"{status} at {url}",
                kind="check")
        return
    for show, pairs in truth.items():
        path = f"/crossover/matrix?show={show}"
        status, _, page = b.get(path)
        (data.parent / f"page_matrix_{show}.html").write_text(page)
        parser = TableParser()
        parser.feed(page)
        table = parser.tables[0] if parser.tables else []
        print(f"  {path}: " + "; ".join(" | ".join(row) for row in table[:10]))
        got = {}
        by_name = {v: k for k, v in NAMES.items()}
        for row in table[1:]:
            if len(row) >= 3 and re.fullmatch(r"\d+", row[-1]):
                a, b_ = by_name.get(row[0], row[0]), by_name.get(row[1], row[1])
                key = (a, b_) if show == "lines" else tuple(sorted((a, b_)))
                got[key] = int(row[-1])
        want = {k: len(v) for k, v in pairs.items()}
        for key in sorted(set(want) | set(got)):
            label = f"{NAMES.get(key[0], key[0])} {'->' if show == 'lines' else '&'} {NAMES.get(key[1], key[1])}"
            if want.get(key, 0) == got.get(key, 0):
                ok(f"crossover[{show}] {label}: {got.get(key, 0)}")
            else:
                ents = pairs.get(key, set())
                follows = bool(ents) and got.get(key, 0) < want.get(key, 0) and ents & unlinked
                finding("crossover", path, f"{label}: {want.get(key, 0)} ({', '.join(sorted(ents))})",
                        f"{got.get(key, 0)}", kind="follows linkage" if follows else "product bug?")


def print_table():
    if not FINDINGS:
        print("\nNo discrepancies.")
        return
    print("\n== Discrepancies")
    print(f"{'kind':15} {'area':14} {'file':42} expected  ||  actual")
    for f in FINDINGS:
        print(f"{f['kind']:15} {f['area']:14} {f['file'][:42]:42} {f['expected']}  ||  {str(f['actual'])[:400]}")


if __name__ == "__main__":
    main()
