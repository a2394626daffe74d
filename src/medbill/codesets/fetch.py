"""``medbill data fetch``: download a year's official files from CMS/CDC and unpack them.

Needs internet. On a machine without it, copy the publisher's files by hand (keep their names)
and run ``medbill codes load --from DIR``. Only files medbill recognises are unpacked from the
zips, each under its own name (never a path from inside the zip).
"""

from __future__ import annotations

import shutil
import tomllib
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from medbill import config
from medbill.codesets.catalog import recognise
from medbill.errors import CodeSetFileError, MedbillError

Opener = Callable[[str], IO[bytes]]


@dataclass(frozen=True)
class OfficialSource:
    name: str
    publisher: str
    url: str


def official_sources(year: int) -> list[OfficialSource]:
    """The download list for ``year`` (from ``data/official-sources.toml``)."""
    listing = tomllib.loads((config.bundled_data_dir() / "official-sources.toml").read_text())
    return [OfficialSource(s["name"], s["publisher"], s["url"].format(year=year)) for s in listing["source"]]


def _open(url: str) -> IO[bytes]:
    return urllib.request.urlopen(url, timeout=120)  # type: ignore[no-any-return]


def fetch(year: int, dest: Path, *, mirror: str | None = None, opener: Opener = _open,
          on_source: Callable[[OfficialSource], None] | None = None) -> list[Path]:
    """Download and unpack the official files of ``year`` into ``dest``; returns the files unpacked.

    Args:
        mirror: a base URL (``file:///srv/cms/`` or ``https://mirror.example/cms/``) holding the
            same file names, used instead of the publisher's address.

    Raises:
        MedbillError: a download failed (names the address and what to do).
        CodeSetFileError: a download is not a readable zip.
    """
    downloads = dest / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    unpacked: list[Path] = []
    for source in official_sources(year):
        if on_source:
            on_source(source)
        name = PurePosixPath(source.url).name
        url = mirror.rstrip("/") + "/" + name if mirror else source.url
        target = downloads / name
        try:
            with opener(url) as response, target.open("wb") as out:
                shutil.copyfileobj(response, out)
        except (urllib.error.URLError, OSError) as exc:
            target.unlink(missing_ok=True)
            raise MedbillError(f"cannot download {source.name} from {url}: {exc}. 'medbill data fetch' "
                               "needs internet; offline, copy the publisher's files into a folder and run "
                               "'medbill codes load --from FOLDER'.") from exc
        unpacked.extend(unpack(target, dest))
    return unpacked


def unpack(archive: Path, dest: Path) -> list[Path]:
    """The recognised official files of ``archive`` (a zip, or a plain official file) in ``dest``."""
    if not zipfile.is_zipfile(archive):
        if recognise(archive) is None:
            raise CodeSetFileError(str(archive), "neither a zip nor an official file medbill recognises")
        target = dest / archive.name
        shutil.copyfile(archive, target)
        return [target]
    out: list[Path] = []
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.infolist():
                name = PurePosixPath(member.filename).name  # flatten: no path from the zip is trusted
                if member.is_dir() or not name or recognise(Path(name)) is None:
                    continue
                target = dest / name
                with zf.open(member) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
                out.append(target)
    except zipfile.BadZipFile as exc:
        raise CodeSetFileError(str(archive), f"damaged zip ({exc}); download it again") from exc
    return out
