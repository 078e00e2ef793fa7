"""Atomic writes for every artefact a command produces (temp file in the same folder + rename), flushed to the disk
before and after the rename (:func:`replace_durably`), so that neither a kill nor a power cut leaves half a file."""

from __future__ import annotations

import datetime as _dt
import errno
import functools
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from fashionrec.errors import BadInputError, ConflictError, DamagedFileError, FashionrecError


def cache_dir() -> Path:
    """The one folder fashionrec keeps caches in (the tagger's ONNX exports, warnings said once):
    ``$FASHIONREC_CACHE``, else ``$XDG_CACHE_HOME/fashionrec`` or ``~/.cache/fashionrec``. Here, not beside the ONNX
    export, so that readers without torch find it too."""
    if os.environ.get("FASHIONREC_CACHE"):
        return Path(os.environ["FASHIONREC_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fashionrec"


def check_writable(path: str | Path, try_it: bool = True) -> Path:
    """``path``, where a command may write a file: refused (:class:`BadInputError`, saying what to choose
    instead) where it is a folder, where a file stands where its folder would be, where that folder cannot be
    written, and where it is a catalogue's own ``styles.csv`` or a file in its ``images/`` (a trial's
    ``--json C/styles.csv`` wrote a report over the catalogue, exit 0). Commands check their outputs with it
    before their work, and every atomic write checks it again (``try_it=False``: its own temporary file is the
    try)."""
    path = Path(path)
    if path.is_dir():
        raise BadInputError(f"{path} is a folder: give a file name")
    catalogue = (path.parent if path.name == "styles.csv" and path.is_file() and (path.parent / "images").is_dir() else
                 path.parent.parent if path.parent.name == "images" and (path.parent.parent / "styles.csv").is_file()
                 else None)
    if catalogue is not None:
        raise BadInputError(f"{path} is part of the catalogue in {catalogue}: writing there would replace its "
                            "files; choose a path outside it")
    folder = next(p for p in (path.parent, *path.parent.parents) if p.exists())
    if not folder.is_dir():
        raise BadInputError(f"cannot write {path}: {folder} is a file, not a folder")
    if not try_it:
        return path
    try:    # tried, not asked (os.access says yes to root for /proc, where the write then failed)
        fd, probe = tempfile.mkstemp(prefix=".fashionrec-probe.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise BadInputError(f"cannot write {path}: {folder} is not writable here ({e.strerror or e}); choose "
                            "another path") from e
    return path


# numpy's words for a short write (``ndarray.tofile`` under ``np.save``): an OSError without an errno, so a full
# disk read "error: 1049600 requested and 822240 written" and nothing else (an operator's trial).
_SHORT_WRITE = re.compile(r"\b\d+ requested and \d+ written\b")


def out_of_space(e: OSError) -> bool:
    """Whether ``e`` says the disk (or a quota) is full: ENOSPC, EDQUOT, or numpy's short write."""
    return e.errno in (errno.ENOSPC, errno.EDQUOT) or (e.errno is None and bool(_SHORT_WRITE.search(str(e))))


def free_space(folder: str | Path) -> str:
    """The space left on ``folder``'s disk, for a message ("0.3 MB free"); "" where it cannot be read."""
    try:
        return f"{shutil.disk_usage(folder).free / 1e6:.1f} MB free"
    except OSError:
        return ""


@contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path beside ``path``; on success it is renamed onto ``path``.

    Readers never see half a file, and a crash leaves the previous version in place.
    """
    path = check_writable(path, try_it=False)
    prefix = f".{path.name}."
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        clear_abandoned(path.parent, prefix)
        fd, tmp = tempfile.mkstemp(prefix=prefix + _writer(), suffix=".tmp", dir=path.parent)
    except OSError as e:        # said of the file asked for, not of a temporary name (/proc, a full disk)
        raise BadInputError(f"cannot write {path}: {e.strerror or e}") from e
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp makes the file owner-only (0600); give it the mode a plain open() would have.
        os.chmod(tmp, 0o666 & ~_umask())
        replace_durably(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def sync_file(path: str | Path) -> None:
    """Flush ``path``'s data to the disk (``fsync``): a rename alone survives a kill, not a power cut, which
    can leave the new name on a file whose data never reached the disk (an index review)."""
    # Windows flushes only a handle open for writing; POSIX any.
    fd = os.open(path, os.O_RDONLY if os.name == "posix" else os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(path: str | Path) -> None:
    """Flush ``path``'s entries (the names in the folder: a rename, a new or deleted file) to the disk. POSIX
    only: Windows opens no folder to flush, and NTFS journals its entries itself."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as e:
        if e.errno != errno.EINVAL:     # a file system that cannot flush a folder (some network ones) says EINVAL
            raise
    finally:
        os.close(fd)


def sync_tree(path: str | Path) -> None:
    """:func:`sync_file` of ``path``, or where it is a folder, of every file and folder in it, itself included."""
    path = Path(path)
    if not path.is_dir():
        sync_file(path)
        return
    for root, _, files in os.walk(path):
        for name in files:
            if not os.path.islink(os.path.join(root, name)):
                sync_file(os.path.join(root, name))
        sync_folder(root)


def replace_durably(src: str | Path, dst: str | Path, flushed: bool = False) -> None:
    """``os.replace(src, dst)`` that a power cut cannot undo or leave half-done: ``src`` (a file, or a folder and
    all in it) flushed to the disk before the rename (unless ``flushed``: :func:`sync_tree` did it already; a
    second flush of a file cost 7 ms), and the rename itself (``dst``'s folder) after. The one rename of every
    atomic write (:func:`atomic_path`, :func:`atomic_dir`, an index folder's save)."""
    if not flushed:
        sync_tree(src)
    os.replace(src, dst)
    sync_folder(Path(dst).parent)


# A temp entry is cleared only when its writer is gone *and* it is this old: containers can share a hostname
# and a volume yet not see each other's processes, so a dead-looking pid alone could be a live writer.
ABANDONED_AFTER_S = 3600


def _host() -> str:
    return socket.gethostname().replace(".", "-")[:32] or "host"


def _writer() -> str:
    # Temp names carry host and process id, so a later write can tell a file a crash or kill left behind
    # (its process gone) from one another process is writing right now, even on a shared filesystem.
    return f"{_host()}.{os.getpid()}."


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return True         # no harmless liveness probe there (os.kill terminates): never clear
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True         # another user's live process, or no pid we can ask about: keep
    return True


def clear_abandoned(parent: Path, prefix: str) -> None:
    """Delete temp files and folders in ``parent`` named ``prefix`` + host.pid.* whose process on this host
    is gone and that are over an hour old: what an interrupted atomic write leaves (nothing else would)."""
    host, now = _host(), time.time()
    for p in parent.glob(glob.escape(prefix) + "*"):
        parts = p.name[len(prefix):].split(".")
        if len(parts) < 3 or parts[0] != host or not (parts[1].isascii() and parts[1].isdecimal()):
            continue
        try:
            old = now - p.lstat().st_mtime >= ABANDONED_AFTER_S
        except FileNotFoundError:
            continue        # its writer just finished
        if not old or _alive(int(parts[1])):
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)


def private_temp_dir(parent: Path, prefix: str) -> Path:
    """A new empty folder in ``parent`` for an atomic write, after clearing ones crashed writers left."""
    clear_abandoned(parent, prefix)
    return Path(tempfile.mkdtemp(prefix=prefix + _writer(), dir=parent))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Option values never recorded: a Milvus token, and the password a URI may carry (http://user:password@host).
SECRET_OPTIONS = ("--token",)
# up to the last "@" before the path: a password may hold "@" ("root:p@ss@db"), a user may be empty (":key@db")
_URI_PASSWORD = re.compile(r"(?<=://)([^:/@\s]*):[^/\s]*@")


def redacted(argv: list[str]) -> list[str]:
    """``argv`` with secrets replaced by ``***``: the value of :data:`SECRET_OPTIONS` (``--token X`` or
    ``--token=X``) and a URI's password (``http://root:***@host``); a scale-out trial found both in an index's
    manifest and a report."""
    out, hide = [], False
    for arg in argv:
        if hide:
            out.append("***")
            hide = False
        elif arg in SECRET_OPTIONS:
            out.append(arg)
            hide = True
        elif arg.split("=", 1)[0] in SECRET_OPTIONS and "=" in arg:
            out.append(arg.split("=", 1)[0] + "=***")
        else:
            out.append(_URI_PASSWORD.sub(r"\1:***@", arg))
    return out


# The command a process started for another records: `fashionrec train --nproc 2` runs its processes through
# torchrun, whose checkpoints recorded no command.
COMMAND_ENV = "FASHIONREC_COMMAND"


def invoked_command() -> str | None:
    """The ``fashionrec ...`` command line this process runs (or, in one it started, :data:`COMMAND_ENV`),
    secrets left out (:func:`redacted`), for an artefact to record; None from Python."""
    if os.environ.get(COMMAND_ENV):
        return os.environ[COMMAND_ENV]
    program = Path(sys.argv[0])
    if program.name == "fashionrec":
        command = ["fashionrec"]
    elif program.parent.name == "fashionrec":
        # `python -m fashionrec.cli ARGS` is `fashionrec ARGS`, `python -m fashionrec.train ARGS` is `fashionrec train`;
        # `python -m fashionrec ARGS` too: it was recorded as "python .../__main__.py train ...", which a model card
        # did not take for a train command (its Command was rebuilt from the config), and `tag` as a Python call.
        command = {"cli.py": ["fashionrec"], "__main__.py": ["fashionrec"],
                   "train.py": ["fashionrec", "train"]}.get(program.name)
    else:
        command = None
    return " ".join([*command, *redacted(sys.argv[1:])]) if command else None


def made_by() -> str:
    """:func:`invoked_command`, or from Python the program that called: "python my_script.py --fast", "python
    (interactive)", "python (Jupyter)" (an index, a split or metrics made from a notebook said "command": null,
    a Python user's trial)."""
    command = invoked_command()
    if command:
        return command
    program = sys.argv[0]
    if not program or program == "-c":
        return "python (interactive)" if not program else "python -c ..."
    if Path(program).name == "ipykernel_launcher.py":
        return "python (Jupyter)"
    return " ".join(["python", program, *redacted(sys.argv[1:])])


@functools.cache
def source_revision() -> str | None:
    """The git commit of the checkout this package runs from ("a37787f", "a37787f-dirty" where its tracked files
    differ from it), or None (installed from a wheel, or no git): every version says 0.1.0, so what made an
    artefact, or which code a server runs, could not be told apart (an operator's upgrade trial)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10)
        if head.returncode:
            return None
        changed = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                                 capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("-dirty" if changed.returncode == 0 and changed.stdout.strip() else "")


def version_said() -> str:
    """The version with its revision where known: "0.1.0 (git a37787f)"."""
    from fashionrec import __version__

    revision = source_revision()
    return f"{__version__} (git {revision})" if revision else __version__


def made_with() -> dict:
    """Which code made an artefact: the package's version and git revision (:func:`source_revision`)."""
    from fashionrec import __version__

    return {"fashionrec_version": __version__, "fashionrec_revision": source_revision()}


def provenance() -> dict:
    """What every report records of its making: :func:`made_with`, when, and the command line (or the Python
    program, :func:`made_by`)."""
    return {**made_with(), "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"), "command": made_by()}


def write_json(path: str | Path, payload: dict | list) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")


def write_text(path: str | Path, text: str) -> None:
    """``text`` as UTF-8 whatever the locale: an EDA report's HTML (which says it is UTF-8) failed in an ASCII
    locale on its own "·" and would be written as cp1252 on Windows, a catalogue's "Zoë" or "女装" with it."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_with_json(path: str | Path, writer: Callable[[Path], None], json_path: str | Path,
                    payload: Callable[[Path], dict]) -> None:
    """Atomically write ``path`` with ``writer(tmp_path)`` and ``json_path`` (its summary) with ``payload(tmp_path)``,
    both made aside and then put in place together (the summary first): written one after the other, a stop
    between them left a table beside the summary of another (a split, an export: a code review)."""
    with atomic_path(path) as tmp, atomic_path(json_path) as tmp_json:
        writer(tmp)
        tmp_json.write_text(json.dumps(payload(tmp), indent=2, default=str) + "\n", encoding="utf-8")


def write_with(path: str | Path, writer: Callable[[Path], None]) -> None:
    """Atomically write ``path`` with ``writer(tmp_path)`` (e.g. ``fig.savefig``, ``faiss.write_index``)."""
    with atomic_path(path) as tmp:
        writer(tmp)


def check_replaceable(out_dir: str | Path, marker: str, what: str, unless: str | None = None,
                      option: str = "--out") -> None:
    """Refuse to replace ``out_dir`` unless it is missing, empty, or an earlier ``what`` (it holds ``marker``
    and not ``unless``, the file of another kind of artefact): an --out pointed at the catalogue, a project
    folder or another artefact would otherwise be deleted with its files. ``option``: the flag that named it, as
    the refusal says it (`data split --folders` was told to choose "for --out", a flag it had right)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise FashionrecError(f"{out_dir} is a file, not a folder: choose another {option} for the {what}")
    if not out_dir.is_dir() or not any(out_dir.iterdir()):
        return
    if not (out_dir / marker).exists() or unless and (out_dir / unless).exists():
        article = "an" if what[:1].lower() in "aeiou" else "a"     # "an EDA report"
        raise FashionrecError(f"{out_dir} already holds files and is not {article} {what}; writing the {what} there "
                              f"would delete them: choose a new or empty folder for {option}")


def check_run_out(out: str | Path, reads: list[Path], what: str) -> None:
    """Refuse ``--out`` for a command that writes a run folder (``ensemble``, ``probe``) where it holds one of
    the checkpoints the command ``reads`` (its ``what``: written over, a member's run became the ensemble's, a
    code review's trial), or where it holds files and is no earlier run (:func:`check_replaceable`)."""
    for path in reads:
        if Path(out).resolve() in Path(path).resolve().parents:
            raise FashionrecError(f"--out {out} holds the {what} {path}: the run written there would replace it; "
                                  "choose a new folder for --out")
    check_replaceable(out, "weights/best.json", "run folder")


@contextmanager
def atomic_dir(out_dir: str | Path, marker: str | None = None, what: str = "folder", unless: str | None = None,
               option: str = "--out"):
    """Yield an empty temporary folder beside ``out_dir``; on success it replaces ``out_dir``.

    The previous folder is moved aside first and deleted only once the new one is in place, so a failure
    at any point leaves one complete version on disk (the folder counterpart of :func:`atomic_path`).
    With ``marker``, a non-empty ``out_dir`` without that file is refused (:func:`check_replaceable`).
    """
    # "." or "runs/.." have no name to put the temporary folder's beside (`eda --out .` was a traceback).
    out_dir = Path(os.path.abspath(out_dir))
    if out_dir.is_symlink():
        # The folder it points at is replaced, the link kept: the link itself was moved aside and a folder put in
        # its place, and every later build failed on the link left behind (an operator's re-trial).
        out_dir = out_dir.resolve()
    if marker is not None:
        check_replaceable(out_dir, marker, what, unless, option)
    if out_dir.parent == out_dir:
        raise FashionrecError(f"{out_dir} is the file system's root: choose a folder inside it for --out")
    try:
        here = Path.cwd().resolve()
    except FileNotFoundError:       # the folder the shell is in was deleted: none to replace from under it
        here = None
    if here is not None and (out_dir.resolve() == here or out_dir.resolve() in here.parents):
        # Replaced whole, it went from under the shell: `eda --out .` left the caller in a deleted folder, its
        # report nowhere to be seen there (a code review).
        raise FashionrecError(f"{out_dir} is the folder you are in (or holds it), and writing the {what} there "
                              "replaces that folder whole: give a folder inside it, e.g. --out ./report")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    old = out_dir.with_name(f".{out_dir.name}.old")
    if old.is_symlink():        # left so by a build before the line above
        old.unlink()
    elif old.exists() and out_dir.exists():
        # What a stop while deleting an earlier version left beside the folder: removed now, before the work,
        # not between the work and the swap, where it took seconds at 40k (a split.csv saved by then went
        # with folders of another split: a code review). Where the folder itself is gone, it is its only copy.
        shutil.rmtree(old)
    tmp = private_temp_dir(out_dir.parent, f".{out_dir.name}.")
    try:
        yield tmp
        # mkdtemp made it owner-only; the finished folder gets the mode a plain mkdir would have given it
        # (a server running as another user must be able to read an index).
        os.chmod(tmp, 0o777 & ~_umask())
        if out_dir.exists():
            if old.exists():
                shutil.rmtree(old)
            os.replace(out_dir, old)
        # (Where the folder is gone, an old copy is its only one until the new one is in place: deleted after.)
        try:
            replace_durably(tmp, out_dir)       # (its folder's flush keeps the move aside above too: one folder)
        except BaseException:
            if old.exists() and not out_dir.exists():
                os.replace(old, out_dir)        # put the previous version back
            raise
        if old.exists():
            shutil.rmtree(old)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def file_identity(path: str | Path) -> tuple | None:
    """Which file ``path`` is (a file moved in over it is another: its inode, time and size), None where none."""
    try:
        st = Path(path).stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def read_json(path: str | Path) -> dict:
    """The JSON object in ``path``; a damaged file (cut short, edited, not text) is a
    :class:`~fashionrec.errors.DamagedFileError` that names it, not a bare decoder traceback."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise DamagedFileError(f"{path} is damaged, not valid JSON ({e}): restore it from a copy, or rebuild "
                               "what it belongs to (an index: `fashionrec index build`; a run: train again)") from e


@contextmanager
def one_writer_at_a_time(folder: str | Path, kind: str, refusal: str):
    """Refuse a second process writing ``folder`` (a ``kind`` of lock, e.g. "build") while one does: two index
    builds each embedded for minutes and the last replaced the other's folder (an operator's trial); two
    trainings of one run folder left one's results.csv beside the other's best checkpoint (an ML engineer's).
    ``refusal`` is the message. The lock file sits beside the folder, which a build replaces whole."""
    from filelock import FileLock, Timeout

    folder = Path(folder)
    lock = None
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        path = folder.parent / f".{folder.name}.{kind}.lock"
        # Made first: filelock waits on a file it cannot make as on one another process holds, and a train
        # into /proc/foo was said to be beside another (a code review).
        path.touch(exist_ok=True)
        lock = FileLock(path)
        lock.acquire(timeout=0)
    except Timeout as e:
        raise ConflictError(refusal) from e
    except OSError:
        lock = None     # a folder this process cannot write: the command says so itself
    try:
        yield
    finally:
        if lock is not None:
            lock.release()
