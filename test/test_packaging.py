"""The distribution: the sdist and wheel build, and the wheel works when installed on its own.

It is called ``oktawave-pyodk`` and imports as ``pyodk``: the name ``pyodk`` on PyPI is ODK
Central's client (which imports as ``pyodk`` too), so ``pip install pyodk`` must not be the way in.

One build per test session (module fixture), from a copy of the source tree so that the working
tree gets no ``build/`` or ``*.egg-info`` of ours.

How the built wheel is installed, and why:

- The target is a fresh venv made with ``--without-pip`` (milliseconds instead of seconds for
  ensurepip); this environment's pip installs into it with ``pip --python``.
- Only the wheel is installed (``--no-deps --no-index``): nothing is downloaded.
- pyodk's four runtime dependencies are the ones already installed here, made visible to the venv
  by a ``.pth`` file that names their directories. Lines of a ``.pth`` are appended to
  ``sys.path``, after the venv's own site-packages, so ``import pyodk`` can only find the wheel's
  copy (the test checks that it did), never this checkout or an install in this environment.

So the test needs no network when setuptools >= 77 is installed here (test-requirements.txt
installs it). Without it the build falls back to an isolated one that fetches setuptools; if that
fails outside CI the test is skipped. Deselect it with ``-m "not packaging"``.
"""

from __future__ import annotations

import email.parser
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

import pyodk

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parent.parent
#: The distribution's name; files and the dist-info directory carry its normalized form.
DIST_NAME = "oktawave-pyodk"
FILE_NAME = DIST_NAME.replace("-", "_")
#: ODK Central's client: the distribution that owns the name pyodk on PyPI.
ODK_CENTRAL = "pyodk"
RUNTIME_DEPENDENCIES = {"urllib3", "python-dateutil", "certifi", "six"}
# The import names of the runtime dependencies, for the .pth file.
DEPENDENCY_MODULES = ("urllib3", "dateutil", "certifi", "six")
SUBPACKAGES = ("pyodk", "pyodk.api", "pyodk.models", "pyodk.testing", "pyodk.cli")
# What the sdist must carry beyond the package itself, to rebuild and to read.
SDIST_FILES = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "pyodk/py.typed")
SOURCE_FILES = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "CHANGELOG.md")


@dataclass(frozen=True)
class Built:
    sdist: Path
    wheel: Path
    source: Path


def _local_backend_is_enough() -> bool:
    """setuptools >= 77 (the build-system requirement) is installed, so no isolation is needed."""
    try:
        major = int(version("setuptools").split(".")[0])
    except (PackageNotFoundError, ValueError):
        return False
    return major >= 77


def _run(command: list[str], cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def _copy_source(destination: Path) -> Path:
    for name in SOURCE_FILES:
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, destination / name)
    shutil.copytree(
        ROOT / "pyodk",
        destination / "pyodk",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
    )
    return destination


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    pytest.importorskip("build", reason="test-requirements.txt installs `build`")
    source = _copy_source(tmp_path_factory.mktemp("source"))
    dist = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(dist)]
    if _local_backend_is_enough():
        command.append("--no-isolation")
    result = _run([*command, str(source)], cwd=source)
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[-3000:]
        if "--no-isolation" not in command and not os.environ.get("CI"):
            pytest.skip(f"isolated build failed (offline?); install setuptools>=77:\n{output}")
        pytest.fail(f"python -m build failed:\n{output}")
    (sdist,) = dist.glob(f"{FILE_NAME}-*.tar.gz")
    (wheel,) = dist.glob(f"{FILE_NAME}-*-py3-none-any.whl")
    return Built(sdist, wheel, source)


def test_names_carry_the_single_version(built: Built) -> None:
    assert built.wheel.name == f"{FILE_NAME}-{pyodk.__version__}-py3-none-any.whl"
    assert built.sdist.name == f"{FILE_NAME}-{pyodk.__version__}.tar.gz"


def test_wheel_has_every_subpackage_and_py_typed(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        names = set(wheel.namelist())
    assert "pyodk/py.typed" in names
    for package in SUBPACKAGES:
        assert package.replace(".", "/") + "/__init__.py" in names
    assert not [n for n in names if n.startswith(("test/", "tests/", "bench/", "examples/"))]


def test_wheel_metadata_declares_exactly_the_runtime_dependencies(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        info = f"{FILE_NAME}-{pyodk.__version__}.dist-info"
        metadata = email.parser.Parser().parsestr(wheel.read(f"{info}/METADATA").decode())
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert metadata["Name"] == DIST_NAME
    assert metadata["Version"] == pyodk.__version__
    assert metadata["Requires-Python"] == ">=3.10"
    assert metadata["License-Expression"] == "MIT"
    requires = metadata.get_all("Requires-Dist") or []
    names = {r.split(";")[0].split("<")[0].split(">")[0].split("=")[0].strip() for r in requires}
    assert names == RUNTIME_DEPENDENCIES, requires
    # The pytest plugin that gives users the fake_oktawave fixture.
    assert "[pytest11]" in entry_points and "pyodk.testing.pytest_plugin" in entry_points
    # The command line.
    assert "[console_scripts]" in entry_points and "pyodk = pyodk.cli:main" in entry_points


def test_wheel_metadata_names_the_project_pages(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        info = f"{FILE_NAME}-{pyodk.__version__}.dist-info"
        metadata = email.parser.Parser().parsestr(wheel.read(f"{info}/METADATA").decode())
    urls = dict(entry.split(", ", 1) for entry in metadata.get_all("Project-URL") or [])
    assert {"Homepage", "Documentation", "Changelog"} <= set(urls), urls
    # The addresses follow the name: a rename cannot leave them pointing at another project.
    for label, url in urls.items():
        assert url.startswith(f"https://pypi.org/project/{DIST_NAME}/"), (label, url)
    assert metadata["Summary"].startswith("Python SDK for the Oktawave cloud API")
    assert "oktawave-pyodk" in metadata.get_payload(), "the README is the long description"


def test_readme_gives_the_distribution_name_and_warns_of_odk_centrals_pyodk() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    declared = re.search(r'^name = "([^"]+)"$', pyproject, re.MULTILINE)
    assert declared is not None and declared[1] == DIST_NAME
    assert f"`{DIST_NAME}`" in readme
    assert f"pip install {DIST_NAME}" in readme
    # The clash: the same import name, so the two cannot share an environment.
    assert "ODK Central" in readme and f"`pip install {ODK_CENTRAL}`" in readme


def test_sdist_can_rebuild_the_package(built: Built) -> None:
    with tarfile.open(built.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for name in SDIST_FILES:
        assert name in names


def test_setup_py_still_answers(built: Built) -> None:
    if not _local_backend_is_enough():
        pytest.skip("setup.py runs on the installed setuptools, which is older than 77")
    result = _run([sys.executable, "setup.py", "--version"], cwd=built.source)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == pyodk.__version__


def _dependency_paths() -> list[str]:
    paths = []
    for module in DEPENDENCY_MODULES:
        spec = importlib.util.find_spec(module)
        assert spec is not None and spec.origin is not None, module
        origin = Path(spec.origin)
        # A package's __init__.py sits one level deeper than a single-module distribution (six).
        directory = origin.parent.parent if origin.name == "__init__.py" else origin.parent
        paths.append(str(directory))
    return sorted(set(paths))


def test_wheel_installs_into_a_clean_venv_and_imports(built: Built, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    install = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(built.wheel),
        ],
        cwd=tmp_path,
    )
    assert install.returncode == 0, install.stdout + install.stderr

    purelib = _run(
        [str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        cwd=tmp_path,
    ).stdout.strip()
    Path(purelib, "_pyodk_test_dependencies.pth").write_text("\n".join(_dependency_paths()))

    probe = textwrap.dedent(
        """
        import importlib, importlib.metadata, importlib.resources, json, sys, sysconfig
        import pyodk
        for name in ("pyodk.api", "pyodk.models", "pyodk.testing", "pyodk.rest"):
            importlib.import_module(name)
        print(json.dumps({
            "file": pyodk.__file__,
            "version": pyodk.__version__,
            "dist_version": importlib.metadata.version("oktawave-pyodk"),
            # This venv's own distributions: the .pth above shows this environment's too.
            "distributions": [
                d.metadata["Name"]
                for d in importlib.metadata.distributions(path=[sysconfig.get_path("purelib")])
                if "pyodk" in (d.read_text("top_level.txt") or "").split()
            ],
            "typed": importlib.resources.files("pyodk").joinpath("py.typed").is_file(),
            "api": [pyodk.OCISnapshotsApi.__name__, pyodk.TicketsApi.__name__],
        }))
        """
    )
    # -I: no PYTHONPATH, no user site, and not this checkout's directory on sys.path.
    result = _run([str(python), "-I", "-c", probe], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert Path(facts["file"]).resolve().is_relative_to(venv.resolve()), facts["file"]
    assert facts["version"] == facts["dist_version"] == pyodk.__version__
    assert facts["distributions"] == [DIST_NAME]  # import pyodk comes from oktawave-pyodk
    assert facts["typed"] is True
    assert facts["api"] == ["OCISnapshotsApi", "TicketsApi"]

    # The console script the wheel installs runs the command line from the wheel's copy.
    script = venv / ("Scripts/pyodk.exe" if os.name == "nt" else "bin/pyodk")
    version_line = _run([str(script), "--version"], cwd=tmp_path)
    assert version_line.returncode == 0, version_line.stderr
    assert version_line.stdout == f"pyodk {pyodk.__version__}\n"
