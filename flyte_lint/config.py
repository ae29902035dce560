"""Settings from ``[tool.flyte-lint]`` in the nearest pyproject.toml that has that table, then the command line."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

KNOWN_KEYS = {"select", "extend-select", "ignore", "per-file-ignores", "exclude", "src", "target-flyte-version"}


class ConfigError(Exception):
    """A usage error in the configuration or the command line: exit code 2."""


@dataclass
class Settings:
    select: list[str] | None = None  # None: the default set
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    src: list[Path] = field(default_factory=list)
    target_flyte_version: str | None = None
    config_path: Path | None = None

    @property
    def project_dir(self) -> Path | None:
        return self.config_path.parent if self.config_path else None


@dataclass
class Options:
    """What a run's command line (or an editor, or pylint's options) adds to the settings."""

    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    root_dirs: list[Path] = field(default_factory=list)
    report_unused_noqa: bool = False


def settings_for_paths(paths: list[Path], config_file: Path | None = None) -> Settings:
    """The settings of a run over ``paths``: from ``config_file`` when given, else from the nearest
    pyproject.toml with a ``[tool.flyte-lint]`` table around them (every adapter reads them this way)."""
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"config file not found: {config_file}")
        return load(config_file, explicit=True)
    anchor = Path(os.path.commonpath([os.path.realpath(p) for p in paths])) if paths else Path.cwd()
    return load(find_pyproject(anchor))


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` that has a ``[tool.flyte-lint]`` table (as ruff finds
    its own): a nested project without one, such as a uv workspace member, does not hide the settings of
    the project around it. Without any such table, the nearest pyproject.toml (the project, for the cache and
    for the files a file named alone is resolved against); None without any."""
    start = start.resolve()
    nearest = None
    for directory in [start, *start.parents] if start.is_dir() else [start.parent, *start.parent.parents]:
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                data = parse_toml(candidate)
            except ConfigError:
                if nearest is None or _mentions_flyte_lint(candidate):
                    raise  # (a broken file farther up that is not ours does not stop the run)
                continue
            nearest = nearest or candidate
            if flyte_lint_table(data) is not None:
                return candidate
    return nearest


def _mentions_flyte_lint(path: Path) -> bool:
    try:
        return b"flyte-lint" in path.read_bytes()
    except OSError:
        return True


def flyte_lint_table(data: dict):
    tool = data.get("tool")
    return tool.get("flyte-lint") if isinstance(tool, dict) else None


_PARSED: dict[str, tuple[tuple[int, int, int], dict]] = {}


def parse_toml(path: Path) -> dict:
    """The TOML of ``path`` (parsed once while the file is unchanged); ConfigError when it cannot be read
    or is not valid TOML."""
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    cached = _PARSED.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    if sys.version_info >= (3, 11):  # (imported here: a run without a config file never needs it, 7 ms)
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"invalid TOML in {path}: {exc}") from None
    _PARSED[str(path)] = (stamp, data)
    return data


def load(path: Path | None, *, explicit: bool = False) -> Settings:
    """Read the ``[tool.flyte-lint]`` table of ``path``; a missing table gives the defaults."""
    settings = Settings()
    if path is None:
        return settings
    data = parse_toml(path)
    table = flyte_lint_table(data)
    if table is None:
        if explicit and path.name != "pyproject.toml":
            table = data  # a dedicated config file may hold the keys at top level
        else:
            settings.config_path = path
            return settings
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.flyte-lint] must be a table")
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown [tool.flyte-lint] key{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(KNOWN_KEYS))})"
        )
    settings.config_path = path
    base = path.parent
    settings.select = _codes(table, "select", path) if "select" in table else None
    settings.extend_select = _codes(table, "extend-select", path)
    settings.ignore = _codes(table, "ignore", path)
    pfi = table.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(f"{path}: per-file-ignores must map glob patterns to lists of codes")
    settings.per_file_ignores = {
        glob: _code_list(codes, f"per-file-ignores.{glob}", path) for glob, codes in pfi.items()
    }
    settings.exclude = _strings(table, "exclude", path)
    settings.src = [(base / s).resolve() for s in _strings(table, "src", path)]
    version = table.get("target-flyte-version")
    if version is not None and (not isinstance(version, str) or not re.fullmatch(r"2\.\d+(\.\d+)?", version)):
        raise ConfigError(
            f'{path}: target-flyte-version must be a Flyte 2 version string such as "2.12", not {version!r}'
        )
    settings.target_flyte_version = version
    return settings


def _strings(table: dict, key: str, path: Path) -> list[str]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {key} must be a list of strings")
    return value


def _codes(table: dict, key: str, path: Path) -> list[str]:
    return _code_list(table.get(key, []), key, path)


def _code_list(value, where: str, path: Path | str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {where} must be a list of rule codes")
    validate_codes(value, f"{path}: {where}")
    return [v.strip().upper() for v in value]


def validate_codes(codes: list[str], where: str) -> None:
    from flyte_lint.catalogue import RULES

    bad = [c for c in codes if not _matches_any(c.strip().upper(), RULES)]
    if bad:
        raise ConfigError(f"{where}: unknown rule code{'s' if len(bad) > 1 else ''}: {', '.join(bad)}")


def _matches_any(prefix: str, rules: dict[str, tuple[str, str]]) -> bool:
    if prefix in ("ALL", "FLY"):
        return True
    return bool(prefix) and any(
        code.startswith(prefix) or symbol == prefix.lower() for code, (symbol, _) in rules.items()
    )


def matches(code: str, symbol: str, selectors: list[str]) -> bool:
    return any(s == "ALL" or code.startswith(s) or symbol == s.lower() for s in selectors)


def split_codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.replace(" ", ",").split(",") if c.strip()]
