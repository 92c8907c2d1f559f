"""GraphiQL's scripts and styles, from the npm registry: `gridql graphiql install` fetches each pinned
package's tarball, checks it against the registry's `dist.integrity`, and keeps only the browser
builds the page loads, each checked against the hash the page pins, in a local folder the server
serves. Nothing of them is kept in the repository.

The pins are versions with UMD builds (GraphiQL 3 on React 18: GraphiQL 4 and later ship ES modules only),
so the page needs no bundler."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

SETTING = "GRIDQL_GRAPHIQL_ASSETS"
REGISTRY = "https://registry.npmjs.org"
CDN = "https://unpkg.com"


@dataclass(frozen=True)
class Asset:
    path: str  # inside the package, as the registry's tarball has it under `package/`
    integrity: str  # subresource integrity: the browser refuses a file that does not match, from the CDN or here

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    assets: tuple[Asset, ...]

    @property
    def folder(self) -> str:
        """The package's folder in the asset folder: versioned, so a new pin never serves an old copy."""
        return f"{self.name}@{self.version}"


# In the order the page loads them: GraphiQL's UMD build expects React and ReactDOM as globals.
PACKAGES = (
    Package(
        "react",
        "18.3.1",
        (
            Asset(
                "umd/react.production.min.js",
                "sha384-DGyLxAyjq0f9SPpVevD6IgztCFlnMF6oW/XQGmfe+IsZ8TqEiDrcHkMLKI6fiB/Z",
            ),
        ),
    ),
    Package(
        "react-dom",
        "18.3.1",
        (
            Asset(
                "umd/react-dom.production.min.js",
                "sha384-gTGxhz21lVGYNMcdJOyq01Edg0jhn/c22nsx0kyqP0TxaV5WVdsSH1fSDUf5YJj1",
            ),
        ),
    ),
    Package(
        "graphiql",
        "3.9.0",
        (
            Asset("graphiql.min.css", "sha384-QMux00XgRtwRLSYIY3kw2rj1ovk5AuuliAchk+HSQbqdbGFnz9GYuqIlOqxhwCE2"),
            Asset("graphiql.min.js", "sha384-8NGfVj4CVlqHajlZj+bPJT4thxPMHMJYn7DWK2CvtopLd02E7qsPHazniBYvVjOO"),
        ),
    ),
)


class InstallError(Exception):
    """The registry's answer cannot be used; the message names the package and the fault."""


def default_folder() -> Path:
    """GRIDQL_GRAPHIQL_ASSETS, else gridql's folder in the user's data directory (as the archive's)."""
    configured = os.environ.get(SETTING, "").strip()
    if configured:
        return Path(configured)
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(data, "gridql", "graphiql")


def installed(folder: Path, packages: tuple[Package, ...] = PACKAGES) -> bool:
    return all((folder / p.folder / a.name).is_file() for p in packages for a in p.assets)


def _digest(algorithm: str, body: bytes) -> str:
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, body).digest()).decode()}"


def _matches(integrity: str, body: bytes) -> bool:
    """Whether `body` matches one of an SRI string's hashes (`sha512-...`, space-separated)."""
    for entry in integrity.split():
        algorithm = entry.split("-", 1)[0]
        if algorithm in ("sha256", "sha384", "sha512") and _digest(algorithm, body) == entry:
            return True
    return False


def _fetch(package: Package, client: httpx.Client, registry: str) -> dict[str, bytes]:
    """The package's assets, by file name, from its registry tarball once both hashes check."""
    where = f"{package.name}@{package.version}"
    try:
        answer = client.get(f"{registry}/{package.name}/{package.version}")
        answer.raise_for_status()
        dist = answer.json()["dist"]
        tarball, integrity = str(dist["tarball"]), str(dist["integrity"])
        response = client.get(tarball)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise InstallError(f"{where}: cannot download from {registry}: {exc}") from None
    except (ValueError, KeyError, TypeError):
        raise InstallError(f"{where}: the registry's metadata has no dist.tarball and dist.integrity") from None
    if not integrity.startswith("sha512-") or not _matches(integrity, response.content):
        raise InstallError(f"{where}: the tarball from {tarball} does not match the registry's integrity {integrity}")
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(response.content), mode="r:gz") as archive:
            for asset in package.assets:
                files[asset.name] = _member(archive, asset, where)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InstallError(f"{where}: the tarball cannot be read: {exc}") from None
    for asset in package.assets:
        if not _matches(asset.integrity, files[asset.name]):
            raise InstallError(f"{where}: {asset.path} does not match the hash gridql pins ({asset.integrity})")
    return files


def _member(archive: tarfile.TarFile, asset: Asset, where: str) -> bytes:
    # Read by name, never extracted whole: none of a tarball's other paths reaches the disk.
    try:
        member = archive.extractfile(f"package/{asset.path}")
    except KeyError:
        member = None
    if member is None:
        raise InstallError(f"{where}: the tarball has no regular file package/{asset.path}")
    return member.read()


def install(
    folder: Path, client: httpx.Client, registry: str = REGISTRY, packages: tuple[Package, ...] = PACKAGES
) -> list[Path]:
    """Fetch and check every package first, then write each package's folder whole (written aside,
    then renamed into place), so a failed install leaves a working copy as it was."""
    fetched = [(package, _fetch(package, client, registry.rstrip("/"))) for package in packages]
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for package, files in fetched:
        staging = Path(tempfile.mkdtemp(prefix=f".{package.folder}.", dir=folder))
        staging.chmod(0o755)  # mkdtemp's 0700 would hide it from a server running as another user
        for name, body in files.items():
            (staging / name).write_bytes(body)
            written.append(folder / package.folder / name)
        target = folder / package.folder
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    return written
