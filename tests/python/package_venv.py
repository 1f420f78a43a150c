"""Installs the `entente` package (clients/python) into a fresh virtual
environment, offline, as docs/notebooks.md tells a user to:

    /usr/bin/python3 -m venv --system-site-packages --without-pip VENV
    VENV/bin/python -m pip install --no-index --no-build-isolation --no-deps ./clients/python

--system-site-packages lets the venv see Debian's grpcio, protobuf, pandas,
networkx, nbclient, ipykernel and pip itself (python3-pip), so --without-pip
saves copying pip into the venv (18 s of 26 on the CI machine);
--no-build-isolation builds with Debian's setuptools instead of fetching
one; --no-index makes sure nothing is fetched.

The source is copied first so that the build (setuptools writes build/ and
*.egg-info beside setup.py) never touches the checkout and two tests can
build at once; ENTENTE_PROTO_DIR then points the build at the checkout's
proto/.
"""

import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
PACKAGE_DIR = os.path.join(ROOT, "clients", "python")


def install_package(tmp: str) -> str:
    """Builds the venv under tmp and installs the package; returns the path
    of the venv's python. Raises CalledProcessError with pip's output."""
    started = time.monotonic()
    source = os.path.join(tmp, "entente-src")
    shutil.copytree(PACKAGE_DIR, source,
                    ignore=shutil.ignore_patterns("build", "gen", "*.egg-info", "__pycache__"))
    venv = os.path.join(tmp, "venv")
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", "--without-pip",
                    venv], check=True)
    python = os.path.join(venv, "bin", "python")
    env = dict(os.environ, ENTENTE_PROTO_DIR=os.path.join(ROOT, "proto"),
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    result = subprocess.run(
        [python, "-m", "pip", "install", "--no-index", "--no-build-isolation", "--no-deps",
         source], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout)
        result.check_returncode()
    print(f"installed entente into {venv} in {time.monotonic() - started:.1f} s", flush=True)
    return python


def run_in_venv(script: str, argv, tmp: str) -> int:
    """Installs the package and runs `script --in-venv ARGV...` with the
    venv's python; returns its exit code."""
    python = install_package(tmp)
    return subprocess.run([python, script, "--in-venv", *argv]).returncode
