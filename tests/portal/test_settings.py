import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BASE_DIR

pytestmark = pytest.mark.slow


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "lagebild.example.org",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # a test-only switch; production never has it
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def production_env(**changes) -> dict:
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "lagebild.example.org",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        **changes,
    }
    env.pop("SECRET_KEY", None)
    env.update(changes)
    return env


def test_production_refuses_to_start_without_a_secret_key_from_the_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment when DEBUG is false" in result.stderr
    # The same key file that development falls back to is not used in production.
    assert (
        subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=BASE_DIR,
            env=production_env(SECRET_KEY=secrets.token_urlsafe(50)),
            capture_output=True,
            timeout=120,
        ).returncode
        == 0
    )


def test_development_without_a_key_keeps_a_random_one_out_of_the_repository(tmp_path):
    from django.conf import settings

    env = production_env(
        DEBUG="true",
        LAGEBILD_DATA_DIR=str(tmp_path),
        # The servers the tests use, so that no embedded one starts in tmp_path.
        DATABASE_URL=settings.DATABASE_URL,
        REDIS_URL=settings.REDIS_URL,
    )
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (tmp_path / "secret_key").read_text().strip()
    assert len(result.stdout.strip()) >= 50


# Things that must never be committed: a key or password written into code, private keys,
# service tokens. Test data (tests/factories.PASSWORD) is not a secret of any installation.
SECRET_PATTERNS = {
    "a secret key in code": re.compile(r"""SECRET_KEY\s*=\s*["'][^"']+["']"""),
    "a private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "an AWS key": re.compile(r"AKIA[0-9A-Z]{16}"),
    "a GitHub token": re.compile(r"gh[pousr]_[A-Za-z0-9]{30,}"),
    "a password in a URL": re.compile(r"[a-z+]+://[^/\s:@'\"]+:[^/\s@'\"$]{6,}@"),
}


def tracked_files() -> list[str]:
    listing = subprocess.run(["git", "ls-files"], cwd=BASE_DIR, capture_output=True, text=True, check=True)
    return listing.stdout.splitlines()


def test_no_secret_is_in_the_repository():
    files = tracked_files()
    assert "portal/settings.py" in files
    assert not [
        name for name in files if name.startswith(".data/") or name.split("/")[-1] in {".env", "secret_key"}
    ]
    found = []
    for name in files:
        path = BASE_DIR / name
        # This file holds the leaks that the scan must find (test_the_secret_scan_finds_a_leak).
        if not path.is_file() or path.stat().st_size > 2_000_000 or path == Path(__file__):
            continue
        text = path.read_text(errors="replace")
        found += [(name, what) for what, pattern in SECRET_PATTERNS.items() if pattern.search(text)]
    assert found == []
    example = (BASE_DIR / ".env.example").read_text()
    assert re.search(r"^SECRET_KEY=$", example, re.MULTILINE)  # listed, with no value


@pytest.mark.parametrize(
    "leak",
    [
        'SECRET_KEY = "django-insecure-abc123"',
        "-----BEGIN RSA PRIVATE KEY-----",
        "postgresql://lagebild:hunter2hunter2@db.internal:5432/lagebild",
    ],
)
def test_the_secret_scan_finds_a_leak(leak):
    assert any(pattern.search(leak) for pattern in SECRET_PATTERNS.values())


def test_it_refuses_a_database_other_than_postgresql():
    env = {**os.environ, "DATABASE_URL": "sqlite:///tmp/x.db", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_env_example_lists_every_variable_the_code_reads():
    import re

    read = set()
    for path in [
        *BASE_DIR.glob("portal/**/*.py"),
        *BASE_DIR.glob("ingest/**/*.py"),
        *BASE_DIR.glob("events/**/*.py"),
    ]:
        read |= set(re.findall(r'(?:getenv|envbool|envint|envlist)\(\s*"([A-Z_]+)"', path.read_text()))
    listed = set(re.findall(r"^([A-Z_]+)=", (BASE_DIR / ".env.example").read_text(), re.MULTILINE))
    assert read - listed == set()
