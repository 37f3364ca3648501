#!/usr/bin/env bash
# Starts the background worker and the web service for the demonstration, and says how to sign in.
set -euo pipefail
: "${BIN:=.venv/bin}" "${HOST:=127.0.0.1}" "${PORT:=8000}"
export CROSSLINE_DEMO=1 CROSSLINE_BASE_URL="http://$HOST:$PORT"

"$BIN/crossline" db_worker --interval 2 >"${CROSSLINE_VAR_DIR:-var}/worker.log" 2>&1 &
worker=$!
# Reminders of returns due and overdue (in production: a timer runs `crossline compliance remind`).
"$BIN/crossline" compliance remind --every 60 >>"${CROSSLINE_VAR_DIR:-var}/reminders.log" 2>&1 &
reminders=$!
# Placement notifications: delivery from the outbox and escalation of unacknowledged ones.
"$BIN/crossline" placements work --every 5 >"${CROSSLINE_VAR_DIR:-var}/placements.log" 2>&1 &
placements=$!
# Taskings: chase overdue owners and tell organisations working the same line about each other.
"$BIN/crossline" tasking chase --every 15 >>"${CROSSLINE_VAR_DIR:-var}/tasking.log" 2>&1 &
tasking=$!
# Intensification weeks: remind forces whose results are due soon.
"$BIN/crossline" intensification remind --every 60 >"${CROSSLINE_VAR_DIR:-var}/intensification.log" 2>&1 &
intensification=$!
# The audit chain's head, anchored hourly outside the database (production: a store the DBAs cannot rewrite).
"$BIN/crossline" audit anchor --every 60 >"${CROSSLINE_VAR_DIR:-var}/audit-anchor.log" 2>&1 &
anchor=$!
web=""
trap 'kill $worker $reminders $placements $tasking $intensification $anchor $web 2>/dev/null || true' EXIT INT TERM

key=$("$BIN/crossline" demo key)
cat <<MSG

  Crossline is running at  http://$HOST:$PORT/

  Sign in as any of these demo users (password: crossline demo password 2026):
    analyst@westyorkshire.demo      force intelligence analyst, West Yorkshire Police
    submitter@westyorkshire.demo    submits West Yorkshire's national returns
    admin@westyorkshire.demo        organisation admin, West Yorkshire Police
    auditor@westyorkshire.demo      professional standards: searches the audit trail
    analyst@northyorkshire.demo     analyst and submitter, North Yorkshire Police
    analyst@merseyside.demo         analyst and submitter, Merseyside Police
    coordinator@nclcc.demo          national co-ordinator, NCA National County Lines Co-ordination Centre
    coordinator@yhrocu.demo         regional co-ordinator, Yorkshire and the Humber ROCU
    safeguarding@leeds.demo         children's services, Leeds City Council
    safeguarding@nhs.demo           NHS safeguarding lead
    pcc@westyorkshire.demo          Police and Crime Commissioner's office (figures only)

  Security code: every demo user shares one authenticator key, $key
    add it to an authenticator app, or get the current code with:
    $BIN/crossline demo mfa-code

  Background worker log: ${CROSSLINE_VAR_DIR:-var}/worker.log. Stop with Ctrl+C.

MSG
"$BIN/gunicorn" crossline.wsgi --bind "$HOST:$PORT" --workers 2 --threads 4 --log-level warning &
web=$!
wait $web
