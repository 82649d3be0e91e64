"""Where model files come from: local folders, the Hugging Face cache, or an exported folder.

Everything that reads or fills the Hugging Face cache (``HF_HOME``) lives here, so going
offline, pinning revisions and ``--models-dir`` work the same for both engines.
``huggingface_hub`` is imported inside functions: it reads ``HF_HUB_OFFLINE`` and ``HF_HOME``
when first imported.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarize.core.errors import ConfigError, ModelLoadError
from summarize.core.files import write_atomic

#: Files fetched for a Hub id: configs and tokenizer files, and safetensors weights.
HUB_PATTERNS = ("*.json", "*.model", "*.spm", "*.txt", "*.safetensors")
#: The PyTorch weights, fetched only when a repository has no safetensors (many have both, and
#: TF/Flax copies besides, which neither engine needs).
HUB_BIN_PATTERNS = ("pytorch_model*.bin", "pytorch_model.bin.index.json")
#: Weight files save_pretrained writes, newest format first; one of them must be there.
WEIGHT_FILES = (
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
)
logger = logging.getLogger(__name__)

#: Seconds a run waits for the Hub to answer before it says the Hub cannot be reached (a
#: HEAD request answers in well under a second on a working connection).
HUB_PROBE_SECONDS = 3.0
#: The file in an exported models folder that maps model ids to their subfolders.
MANIFEST_FILE = "manifest.json"
_MANIFEST_FORMAT = 1
# A Hub cache snapshot folder is named by the full commit hash.
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
# A Hugging Face Hub repository id: ``name`` or ``org/name``, each part starting and ending
# with a letter or digit (the Hub also forbids ``--`` and ``..``, checked separately).
_HUB_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_HUB_ID = re.compile(rf"^(?:{_HUB_PART}/)?{_HUB_PART}$")


#: Said before the usual advice when a model is missing while downloads are switched off.
OFFLINE_HINT = (
    "Downloads are off here (HF_HUB_OFFLINE=1, --offline or offline = true): unset that to "
    "download it, or pass a local folder. "
)


def go_offline() -> None:
    """Use local files only from now on, as ``HF_HUB_OFFLINE=1`` does.

    Sets the variable for anything that reads it later and, when huggingface_hub is already
    imported (it reads the variable once, at import), its constant too; transformers asks
    huggingface_hub at every call.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    import huggingface_hub.constants

    huggingface_hub.constants.HF_HUB_OFFLINE = True


def is_offline() -> bool:
    """Whether the Hub may not be contacted (``HF_HUB_OFFLINE=1`` or :func:`go_offline`)."""
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


def cached_folder(name: str, revision: str | None = None) -> Path | None:
    """The local folder holding ``name`` (at ``revision``) without any network access, else None.

    A local folder is itself; a Hub id is its snapshot in the Hugging Face cache, if its
    config.json is there.
    """
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    from huggingface_hub import try_to_load_from_cache

    try:
        found = try_to_load_from_cache(name, "config.json", revision=revision)
    except ValueError:  # not a valid repository id
        return None
    return Path(found).parent if isinstance(found, str) else None


def has_weights(folder: Path) -> bool:
    """Whether ``folder`` holds a model's weights in one of the formats transformers loads."""
    return any((folder / filename).is_file() for filename in WEIGHT_FILES)


def commit_of(folder: Path) -> str | None:
    """The commit a Hub cache snapshot folder holds (its name); None for other folders."""
    return folder.name if _COMMIT.match(folder.name) and folder.parent.name == "snapshots" else None


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder``, following the cache's links to its blobs."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def folder_fingerprint(folder: Path) -> list[tuple[str, int, int]]:
    """Name, size and modification time (ns) of each file in ``folder``, following links: it
    changes when a file is replaced, added or removed, without reading the weights."""
    entries = []
    for path in sorted(folder.iterdir()):
        if path.is_file():
            stat = path.stat()
            entries.append((path.name, stat.st_size, stat.st_mtime_ns))
    return entries


def model_folder(name: str, revision: str | None = None, *, local_only: bool | None = None) -> Path:
    """A local folder holding ``name``'s files: the folder itself, or a Hub cache snapshot.

    Downloads what is missing (safetensors, else the PyTorch weights, plus configs and tokenizer
    files) unless ``local_only`` or offline; ``HF_TOKEN`` and ``HF_HOME`` are honoured by
    huggingface_hub itself.
    """
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    import huggingface_hub

    offline_setting = local_only is None and is_offline()
    if local_only is None:
        local_only = offline_setting
    try:
        folder = Path(
            huggingface_hub.snapshot_download(
                name,
                revision=revision,
                allow_patterns=list(HUB_PATTERNS),
                local_files_only=local_only,
            )
        )
        if not any(folder.glob("*.safetensors")):
            folder = Path(
                huggingface_hub.snapshot_download(
                    name,
                    revision=revision,
                    allow_patterns=list(HUB_PATTERNS + HUB_BIN_PATTERNS),
                    local_files_only=local_only,
                )
            )
    except Exception as error:
        reason = str(error).strip().splitlines()[0]
        # Offline by the user's own setting, "run models pull" would fail the same way.
        raise _not_found(name, revision, reason, offline=offline_setting) from error
    return folder


def _not_found(name: str, revision: str | None, reason: str, *, offline: bool) -> ModelLoadError:
    """The error for a model that is neither a local folder nor in the cache, with the fixes."""
    at = f" at revision {revision!r}" if revision else ""
    return ModelLoadError(
        f"could not find the model {name!r}{at}: {reason}\n"
        f"{OFFLINE_HINT if offline else ''}If it is a Hugging Face Hub id, check "
        "the spelling and run `summarize models pull` (or any run) once with network access "
        "so it is downloaded into the cache; later runs can be offline. If it is a local "
        "folder, check the path."
    )


def needs_download(name: str, revision: str | None = None) -> bool:
    """Whether loading ``name`` needs the Hub: a Hub id (not a local folder) whose files are
    not all in the cache."""
    if Path(name).expanduser().is_dir() or not _HUB_ID.match(name):
        return False  # a folder, or a name no download could give (a mistyped path)
    folder = cached_folder(name, revision)
    return folder is None or not has_weights(folder)


def hub_problem(timeout: float = HUB_PROBE_SECONDS) -> str | None:
    """Why the Hugging Face Hub (``HF_ENDPOINT``) gives no answer within ``timeout`` seconds,
    or None when it answers at all (any HTTP status: downloads will say what is wrong).

    One HEAD request through huggingface_hub's own HTTP client (its proxy and TLS settings),
    in a thread the caller stops waiting for after ``timeout`` plus a second: name resolution
    is not bound by the request's timeout.
    """
    import huggingface_hub
    from huggingface_hub import constants

    problems: list[str] = []

    def probe() -> None:
        try:
            huggingface_hub.get_session().head(constants.ENDPOINT, timeout=timeout)
        except Exception as error:  # every failure means the same here: no answer
            detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
            problems.append(f"{type(error).__name__}: {detail}" if detail else type(error).__name__)
        else:
            problems.append("")

    thread = threading.Thread(target=probe, name="summarize-hub-probe", daemon=True)
    thread.start()
    thread.join(timeout + 1)
    problem = problems[0] if problems else f"no answer within {timeout:g} s"
    return problem or None


class HubCheck:
    """Asks the Hub once per run, before the first Hub id is read, whether it answers.

    huggingface_hub retries every file for about 25 s (minutes for a whole model) before it
    gives up, or falls back to the cache. So when the Hub gives no answer, a model that must be
    downloaded fails at once, and models already in the cache are read from it straight away,
    as with ``--offline`` (said once).
    """

    def __init__(self, timeout: float = HUB_PROBE_SECONDS) -> None:
        self._timeout = timeout
        self._problem: str | None = None
        self._probed = False

    def require(self, name: str, revision: str | None = None) -> None:
        """Check that ``name`` (a name or folder as :meth:`ModelSources.locate` gives it) can be
        loaded here; raise the usual missing-model error, naming the Hub, when it cannot."""
        if Path(name).expanduser().is_dir() or not _HUB_ID.match(name):
            return  # a folder, or a name no download could give (a mistyped path)
        if not self._probed:
            if is_offline():
                return  # huggingface_hub fails at once by itself, with the offline advice
            self._problem, self._probed = hub_problem(self._timeout), True
            if self._problem is not None:
                from huggingface_hub import constants

                logger.warning(
                    "the Hugging Face Hub at %s could not be reached (%s): models are read "
                    "from the local cache, as with --offline",
                    constants.ENDPOINT,
                    self._problem,
                )
                go_offline()
        if self._problem is None or not needs_download(name, revision):
            return
        from huggingface_hub import constants

        error = _not_found(
            name, revision, "it is not in the cache here and must be downloaded", offline=False
        )
        raise ModelLoadError(
            f"{error}\nThe Hugging Face Hub at {constants.ENDPOINT} could not be reached "
            f"(waited up to {self._timeout:g} s): {self._problem}"
        )


@dataclass(frozen=True)
class ExportedModel:
    """One model in an exported models folder (an entry of its manifest.json)."""

    #: Subfolder of the models folder holding the model's files.
    folder: str
    #: Commit the files were taken from (None for a model that came from a local folder).
    revision: str | None = None


def export_folder_name(name: str) -> str:
    """A subfolder name for model ``name``, different for every name.

    ``org--model`` for a name shaped like a Hub id (a local ``models/nllb`` too): a Hub id has
    no ``--`` of its own, so that folder maps back to one name only. Any other name (``/abs/path``,
    ``./models--nllb``, ``org/a b``) is cleaned up the same way and ends with a hash of the full
    name, so it never takes another name's folder.
    """
    if _HUB_ID.match(name) and "--" not in name and ".." not in name:
        return name.replace("/", "--")
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", name.replace("/", "--")).strip("-.") or "model"
    return f"{readable}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:10]}"


def check_export_folders(names: Sequence[str], to: Path) -> None:
    """Refuse, before anything is copied, to export a model into a folder another one holds.

    Names never share a folder today, but a manifest written by an older version may give a
    folder to a model this pull does not replace.
    """
    held = read_manifest(to) if (to / MANIFEST_FILE).is_file() else {}
    owners = {entry.folder: name for name, entry in held.items() if name not in names}
    for name in names:
        folder = export_folder_name(name)
        owner = owners.setdefault(folder, name)
        if owner != name:
            raise ConfigError(
                f"cannot export {name!r} into {to / folder}: {to / MANIFEST_FILE} gives that "
                f"folder to {owner!r}; pull into a new folder (--to), or pull {owner!r} again "
                "there first"
            )


def export_model(name: str, source: Path, to: Path) -> ExportedModel:
    """Copy ``source`` (files, not cache links) into ``to``; an old copy is replaced whole."""
    entry = ExportedModel(folder=export_folder_name(name), revision=commit_of(source))
    final = to / entry.folder
    partial = to / f".partial-{entry.folder}"
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(source, partial, symlinks=False)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(partial, final)
    return entry


def read_manifest(models_dir: Path) -> dict[str, ExportedModel]:
    """Model id -> its exported copy, from ``models_dir/manifest.json``."""
    path = models_dir / MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {
            name: ExportedModel(folder=entry["folder"], revision=entry.get("revision"))
            for name, entry in data["models"].items()
        }
    except FileNotFoundError:
        raise ConfigError(
            f"{models_dir} is not a models folder (no {MANIFEST_FILE}); make one with "
            f"`summarize models pull --to {models_dir}`"
        ) from None
    except NotADirectoryError:
        raise ConfigError(
            f"--models-dir {models_dir} is a file, not a folder; pass the folder written by "
            "`summarize models pull --to DIR`"
        ) from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ConfigError(f"{path} is not a valid models manifest: {error}") from None


def write_manifest(models_dir: Path, models: Mapping[str, ExportedModel]) -> Path:
    """Write (atomically) the manifest of ``models_dir``, keeping entries already there."""
    path = models_dir / MANIFEST_FILE
    merged = read_manifest(models_dir) if path.is_file() else {}
    merged.update(models)
    document = {
        "format": _MANIFEST_FORMAT,
        "models": {
            name: {"folder": entry.folder, "revision": entry.revision}
            for name, entry in sorted(merged.items())
        },
    }
    write_atomic(path, json.dumps(document, indent=2) + "\n")
    return path


@dataclass(frozen=True)
class ModelSources:
    """Where each model is loaded from: an exported models folder, or its name at a pinned
    revision (the Hub cache or the Hub itself, or a local folder)."""

    #: Model id -> revision (branch, tag or commit) to load it at.
    revisions: Mapping[str, str] = field(default_factory=dict)
    #: Exported models folder (``summarize models pull --to``); None: names are used as given.
    models_dir: Path | None = None
    #: The folder's manifest: model id -> exported copy.
    exported: Mapping[str, ExportedModel] = field(default_factory=dict)

    @classmethod
    def open(cls, revisions: Mapping[str, str], models_dir: Path | None) -> ModelSources:
        """Sources for a run; reads the models folder's manifest (a ConfigError if it has none)."""
        exported = read_manifest(models_dir) if models_dir is not None else {}
        return cls(revisions=dict(revisions), models_dir=models_dir, exported=exported)

    def locate(self, name: str) -> tuple[str, str | None]:
        """(name or folder to load, revision) for model ``name``."""
        if self.models_dir is None:
            return name, self.revisions.get(name)
        entry = self.exported.get(name)
        if entry is None:
            held = ", ".join(sorted(self.exported)) or "nothing"
            raise ModelLoadError(
                f"the model {name!r} is not in the models folder {self.models_dir} (it holds "
                f"{held}); run `summarize models pull --to {self.models_dir}` with the same "
                "model flags on a machine with network access, and copy the folder here again"
            )
        return str(self.models_dir / entry.folder), None

    def identity(self, name: str) -> dict[str, Any]:
        """What tells the files ``name`` loads apart from any others, for cache keys.

        A local folder (or an exported copy of one) is its resolved path and its files'
        fingerprint: another model put at the same path is another model, and ``models/x``,
        ``./models/x`` and the absolute path are one. A Hub id is the id and the commit it
        loads at (the pinned revision when no snapshot is cached; nothing more when neither).
        """
        if self.models_dir is None:
            path = Path(name).expanduser()
            folder = path if path.is_dir() else None
        else:
            entry = self.exported.get(name)
            folder = self.models_dir / entry.folder if entry and entry.revision is None else None
        if folder is not None:
            return {"model": str(folder.resolve()), "files": folder_fingerprint(folder)}
        revision = self.revision_used(name)
        return {"model": name} if revision is None else {"model": name, "revision": revision}

    def revision_used(self, name: str) -> str | None:
        """The revision ``name`` is loaded at, for run.json: the exported or cached commit, or
        the pinned revision; None for a local folder."""
        if self.models_dir is not None:
            entry = self.exported.get(name)
            return entry.revision if entry else None
        pinned = self.revisions.get(name)
        folder = None if Path(name).expanduser().is_dir() else cached_folder(name, pinned)
        commit = commit_of(folder) if folder is not None else None
        return commit or pinned
