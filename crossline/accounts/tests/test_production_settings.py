"""Production settings fail closed (CFG-01) and carry no demo shortcut."""

import os
import secrets
import subprocess
import sys

import pytest

SNIPPET = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='crossline.settings'; django.setup(); "


def run(env_overrides, code):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "CROSSLINE_DEMO"}}
    env.update(env_overrides)
    command = [sys.executable, "-c", SNIPPET + code]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603


def test_production_refuses_to_start_without_a_secret_key():
    result = run({"CROSSLINE_ENV": "production", "ALLOWED_HOSTS": "crossline.example"}, "print('started')")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("secret", ["short"])
def test_production_refuses_a_weak_secret_key(secret):
    result = run({"CROSSLINE_ENV": "production", "ALLOWED_HOSTS": "x.example", "SECRET_KEY": secret}, "")
    assert result.returncode != 0 and "at least 50 characters" in result.stderr


def test_production_refuses_demo_shortcuts():
    result = run(
        {"CROSSLINE_ENV": "production", "ALLOWED_HOSTS": "x.example", "SECRET_KEY": "s" * 64, "CROSSLINE_DEMO": "1"},
        "from crossline.demo.services import demo_mfa_code; demo_mfa_code()",
    )
    assert result.returncode != 0 and "Demo users exist only" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run(
        {"CROSSLINE_ENV": "production", "ALLOWED_HOSTS": "crossline.example.gov.uk", "SECRET_KEY": secrets.token_urlsafe(64)},
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING'); print('deploy checks passed')",
    )
    assert result.returncode == 0, result.stderr
    assert "deploy checks passed" in result.stdout
