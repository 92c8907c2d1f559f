"""`gridql graphiql install` against a fake npm registry (httpx.MockTransport): no network."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from pathlib import Path

import httpx
import pytest

from gridql.graph import graphiql_assets
from gridql.graph.cli import main
from gridql.graph.graphiql_assets import Asset, InstallError, Package, install

REGISTRY = "https://registry.example"
SCRIPT = b"window.Fake = 1;\n"
STYLE = b".fake { color: red }\n"


def _sri(algorithm: str, body: bytes) -> str:
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, body).digest()).decode()}"


def _tarball(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, body in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    return out.getvalue()


PACKAGE = Package(
    "fake-ui",
    "1.2.3",
    (Asset("dist/fake.min.js", _sri("sha384", SCRIPT)), Asset("fake.css", _sri("sha384", STYLE))),
)
GOOD = _tarball(
    {
        "package/dist/fake.min.js": SCRIPT,
        "package/fake.css": STYLE,
        "package/package.json": b"{}",
        "package/../../escape.js": b"never written",  # a hostile path: only named files are read
    }
)


class Registry:
    """The registry's two answers: a version's metadata, then its tarball."""

    def __init__(self, tarball: bytes, integrity: str | None = None) -> None:
        self.tarball = tarball
        self.integrity = integrity or _sri("sha512", tarball)
        self.urls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        if request.url.path == "/fake-ui/1.2.3":
            tarball = f"{REGISTRY}/fake-ui/-/fake-ui-1.2.3.tgz"
            return httpx.Response(
                200, json={"name": "fake-ui", "dist": {"tarball": tarball, "integrity": self.integrity}}
            )
        if request.url.path == "/fake-ui/-/fake-ui-1.2.3.tgz":
            return httpx.Response(200, content=self.tarball)
        return httpx.Response(404, json={"error": "Not found"})

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


def test_install_keeps_only_the_pinned_files_of_a_verified_tarball(tmp_path: Path) -> None:
    registry = Registry(GOOD)
    written = install(tmp_path / "assets", registry.client(), REGISTRY, (PACKAGE,))
    folder = tmp_path / "assets" / "fake-ui@1.2.3"
    assert written == [folder / "fake.min.js", folder / "fake.css"]
    assert (folder / "fake.min.js").read_bytes() == SCRIPT and (folder / "fake.css").read_bytes() == STYLE
    assert sorted(p.name for p in (tmp_path / "assets").rglob("*")) == ["fake-ui@1.2.3", "fake.css", "fake.min.js"]
    assert not (tmp_path / "escape.js").exists()
    assert registry.urls == [f"{REGISTRY}/fake-ui/1.2.3", f"{REGISTRY}/fake-ui/-/fake-ui-1.2.3.tgz"]
    assert graphiql_assets.installed(tmp_path / "assets", (PACKAGE,))


def test_a_tarball_that_does_not_match_its_integrity_is_refused(tmp_path: Path) -> None:
    tampered = _tarball({"package/dist/fake.min.js": b"window.evil = 1;", "package/fake.css": STYLE})
    registry = Registry(tampered, integrity=_sri("sha512", GOOD))
    with pytest.raises(InstallError, match="does not match the registry's integrity"):
        install(tmp_path / "assets", registry.client(), REGISTRY, (PACKAGE,))
    assert not (tmp_path / "assets").exists()


def test_only_a_sha512_integrity_is_accepted(tmp_path: Path) -> None:
    registry = Registry(GOOD, integrity=_sri("sha1", GOOD))
    with pytest.raises(InstallError, match="integrity"):
        install(tmp_path / "assets", registry.client(), REGISTRY, (PACKAGE,))


def test_a_file_that_differs_from_the_pinned_hash_is_refused(tmp_path: Path) -> None:
    # The registry vouches for this tarball, but its script is not the one the page pins.
    other = _tarball({"package/dist/fake.min.js": b"window.Other = 1;", "package/fake.css": STYLE})
    with pytest.raises(InstallError, match="does not match the hash gridql pins"):
        install(tmp_path / "assets", Registry(other).client(), REGISTRY, (PACKAGE,))
    assert not (tmp_path / "assets").exists()


def test_a_tarball_without_a_pinned_file_is_refused(tmp_path: Path) -> None:
    short = _tarball({"package/dist/fake.min.js": SCRIPT})
    with pytest.raises(InstallError, match=r"has no regular file package/fake\.css"):
        install(tmp_path / "assets", Registry(short).client(), REGISTRY, (PACKAGE,))


def test_a_registry_without_the_version_is_refused(tmp_path: Path) -> None:
    missing = Package("fake-ui", "9.9.9", PACKAGE.assets)
    with pytest.raises(InstallError, match=r"fake-ui@9\.9\.9: cannot download"):
        install(tmp_path / "assets", Registry(GOOD).client(), REGISTRY, (missing,))


def test_a_failed_install_leaves_the_copy_there_was(tmp_path: Path) -> None:
    install(tmp_path, Registry(GOOD).client(), REGISTRY, (PACKAGE,))
    with pytest.raises(InstallError):
        install(tmp_path, Registry(b"not a tarball").client(), REGISTRY, (PACKAGE,))
    assert (tmp_path / "fake-ui@1.2.3" / "fake.min.js").read_bytes() == SCRIPT


def test_install_again_replaces_the_copy(tmp_path: Path) -> None:
    install(tmp_path, Registry(GOOD).client(), REGISTRY, (PACKAGE,))
    (tmp_path / "fake-ui@1.2.3" / "stray.js").write_text("left over")
    install(tmp_path, Registry(GOOD).client(), REGISTRY, (PACKAGE,))
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["fake-ui@1.2.3", "fake.css", "fake.min.js"]


def test_the_command_reports_an_unreachable_registry_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["graphiql", "install", "--dir", str(tmp_path), "--registry", "http://127.0.0.1:1"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert err.startswith("gridql: graphiql install: react@18.3.1: cannot download from http://127.0.0.1:1")


def test_the_default_folder_is_the_setting_else_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(graphiql_assets.SETTING, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert graphiql_assets.default_folder() == tmp_path / "data" / "gridql" / "graphiql"
    monkeypatch.setenv(graphiql_assets.SETTING, str(tmp_path / "elsewhere"))
    assert graphiql_assets.default_folder() == tmp_path / "elsewhere"
