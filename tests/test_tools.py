"""tools/system-packages, which `make run` and `make test` call before anything else: a machine
that has the packages pays nothing, and one where they are missing and the user is not root
hears, in one line, which to install."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "system-packages"


def run(*args: str, as_nobody: bool = False) -> subprocess.CompletedProcess[str]:
    command = [str(SCRIPT), *args]
    if as_nobody:
        command = ["runuser", "-u", "nobody", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_installed_packages_cost_nothing():
    done = run("--required", "the tests", "make", "coreutils")
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("runuser"), reason="needs root")
def test_a_user_without_root_is_told_in_one_line_what_to_install():
    missing = "survey-no-such-package"
    done = run("--required", "the tests", "make", missing, as_nobody=True)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"System packages for the tests are missing: {missing}. "
        f"Install them first: sudo apt-get install {missing}"
    ]
    optional = run("--optional", "PDF export", missing, as_nobody=True)
    assert optional.returncode == 0 and "sudo apt-get install" in optional.stderr
