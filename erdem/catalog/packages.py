"""Course packages: a course as a zip that can travel to another instance and come back.

Layout (docs/decisions/0010-course-packages.md, docs/course-packages.md):

    manifest.json                          format, version, course fields, structure, quizzes,
                                           practical assignments, media, images, files
    content/<language>/units.json          per unit: status and texts (lesson bodies excepted)
    content/<language>/lessons/<key>.md    the lesson's Markdown body
    content/<language>/captions/<key>.vtt  a medium's captions in that language
    media/<key>.<extension>                video, audio, images, files to download

Reading a package never extracts it: entries are listed first (count, names, types, declared sizes
and compression ratio checked), then only known entries are read, each with a size cap. Media are
checked as uploads are (erdem.core.uploads: the kind sniffed from the content, size limits).
Importing checks everything before writing, then writes in one transaction; a preview runs the
same import and rolls it back, so what the preview lists is exactly what the import does.
"""

import io
import json
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from erdem.access.policy import Action, can
from erdem.catalog.media_services import (
    ATTACHMENT_KINDS,
    ATTACHMENT_MAX_BYTES,
    CAPTIONS_MAX_BYTES,
    IMAGE_MAX_BYTES,
    LOW_BANDWIDTH_MAX_BYTES,
    MEDIA_KINDS,
    MEDIA_MAX_BYTES,
    captions_check,
)
from erdem.catalog.models import Course, LessonMedia
from erdem.catalog.package_manifest import Checker, Problem, check_content, check_course, check_structure
from erdem.catalog.package_writes import ImportReport, Writer, course_write
from erdem.catalog.units import Unit, course_units
from erdem.core.uploads import AUDIO, IMAGES, KINDS, VIDEO, upload_check
from erdem.frameworks.models import Competency
from erdem.organisations.models import Institution

FORMAT_NAME = "erdem-course-package"
FORMAT_VERSION = 1

MEGABYTE = 1024 * 1024
# Limits on what a package may be. Texts are a few megabytes; media are already compressed, so
# the unpacked size is close to the packed one.
PACKAGE_MAX_BYTES = 500 * MEGABYTE  # the upload
PACKAGE_MAX_ENTRIES = 2000
PACKAGE_MAX_UNPACKED_BYTES = 1024 * MEGABYTE  # all entries, as their headers declare them
TEXT_ENTRY_MAX_BYTES = 5 * MEGABYTE  # manifest.json, units.json, one lesson body
MEDIA_ENTRY_MAX_BYTES = max(*MEDIA_MAX_BYTES.values(), LOW_BANDWIDTH_MAX_BYTES, IMAGE_MAX_BYTES, ATTACHMENT_MAX_BYTES)
# Text compresses well, but not a hundred times; beyond this an entry is a bomb, whatever its size.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM_BYTES = 64 * 1024
SPOOL_BYTES = 8 * MEGABYTE  # a media entry larger than this is read into a temporary file, not memory

MANIFEST = "manifest.json"
# Written by archivers when people re-zip a package by hand; ignored.
IGNORED_ENTRY = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$|desktop\.ini$)")
UNITS_ENTRY = re.compile(r"content/(?P<language>[a-z]{2,3})/units\.json")
BODY_ENTRY = re.compile(r"content/(?P<language>[a-z]{2,3})/lessons/(?P<key>m\d+\.l\d+)\.md")
CAPTIONS_ENTRY = re.compile(r"content/(?P<language>[a-z]{2,3})/captions/(?P<key>m\d+\.l\d+\.media\d+)\.vtt")
MEDIA_ENTRY = re.compile(r"media/[A-Za-z0-9][-A-Za-z0-9_.]{0,150}")

# What a media file must be, by its role in the manifest: (kinds, largest size).
FILE_RULES: dict[str, tuple[tuple[str, ...], int]] = {
    LessonMedia.Kind.VIDEO: (tuple(MEDIA_KINDS[LessonMedia.Kind.VIDEO]), MEDIA_MAX_BYTES[LessonMedia.Kind.VIDEO]),
    LessonMedia.Kind.AUDIO: (tuple(MEDIA_KINDS[LessonMedia.Kind.AUDIO]), MEDIA_MAX_BYTES[LessonMedia.Kind.AUDIO]),
    "low_bandwidth": ((*AUDIO, *VIDEO), LOW_BANDWIDTH_MAX_BYTES),
    "image": (IMAGES, IMAGE_MAX_BYTES),
    "attachment": (tuple(ATTACHMENT_KINDS), ATTACHMENT_MAX_BYTES),
}


class PackageError(Exception):
    """The package as a whole cannot be read; `messages` say why, in the reader's language."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass(kw_only=True)
class PackageReport(ImportReport):
    """What importing a package does (or would do), and what stands in its way."""

    course_code: str = ""
    creating: bool = False
    course: Course | None = None


@dataclass
class Package:
    manifest: dict[str, Any]
    content: dict[str, dict[str, dict[str, Any]]]  # language -> unit key -> {"status": …, field: text}
    files: dict[str, File] = field(default_factory=dict)  # media and captions, by path in the package
    captions: dict[tuple[str, str], str] = field(default_factory=dict)  # (language, media key) -> path

    def close(self) -> None:
        for file in self.files.values():
            file.close()


# --- export --------------------------------------------------------------------------------------------------


def _media_path(key: str, kind: str, suffix: str = "") -> str:
    extension = KINDS[kind].extensions[0] if kind in KINDS else "bin"
    return f"media/{key}{suffix}.{extension}"


def _manifest(course: Course, units: list[Unit]) -> tuple[dict[str, Any], dict[str, str]]:
    """The manifest, and the stored files to put in the package: path in the package -> stored name."""
    competencies = course.competencies.select_related("framework").order_by("framework__code", "code")
    institutions = course.authoring_institutions.order_by("code").values_list("code", flat=True)
    sections: dict[str, list[dict[str, Any]]] = {
        name: [] for name in ("modules", "quizzes", "assignments", "media", "images", "attachments")
    }
    files: dict[str, str] = {}
    lesson_keys: dict[int, str] = {}
    for unit in units:
        obj, key, kind = unit.obj, unit.key, unit.kind.name
        if kind == "module":
            sections["modules"].append({"key": key, "position": obj.position, "lessons": []})
        elif kind == "lesson":
            lesson_keys[obj.pk] = key
            sections["modules"][-1]["lessons"].append(
                {"key": key, "position": obj.position, "estimated_minutes": obj.estimated_minutes}
            )
        elif kind == "quiz":
            names = ("pass_mark", "attempt_limit", "time_limit_minutes", "feedback", "draw_count")
            quiz = {"key": key, "lesson": lesson_keys[obj.lesson_id], **{n: getattr(obj, n) for n in names}}
            sections["quizzes"].append({**quiz, "questions": []})
        elif kind == "question":
            sections["quizzes"][-1]["questions"].append(
                {
                    "key": key,
                    "position": obj.position,
                    "kind": obj.kind,
                    "true_false_answer": obj.true_false_answer,
                    "numeric_answer": None if obj.numeric_answer is None else str(obj.numeric_answer),
                    "numeric_tolerance": str(obj.numeric_tolerance),
                    "choices": [],
                }
            )
        elif kind == "choice":
            choice = {"key": key, "position": obj.position, "is_correct": obj.is_correct}
            sections["quizzes"][-1]["questions"][-1]["choices"].append(choice)
        elif kind == "assignment":
            names = ("required", "max_files", "max_file_bytes", "max_total_bytes", "allowed_kinds")
            task = {"key": key, "lesson": lesson_keys[obj.lesson_id], **{n: getattr(obj, n) for n in names}}
            sections["assignments"].append({**task, "criteria": []})
        elif kind == "criterion":
            criterion = {"key": key, "position": obj.position, "weight": obj.weight, "levels": []}
            sections["assignments"][-1]["criteria"].append(criterion)
        elif kind == "level":
            level = {"key": key, "position": obj.position, "points": obj.points}
            sections["assignments"][-1]["criteria"][-1]["levels"].append(level)
        elif kind == "media":
            media = {"key": key, "lesson": lesson_keys[obj.lesson_id], "position": obj.position, "kind": obj.kind}
            media |= {"file": None, "external_url": obj.external_url, "low_bandwidth_file": None}
            if obj.file:
                media["file"] = _media_path(key, obj.file_kind)
                files[media["file"]] = obj.file.name
            if obj.low_bandwidth_file:
                media["low_bandwidth_file"] = _media_path(key, obj.low_bandwidth_kind, ".low-bandwidth")
                files[media["low_bandwidth_file"]] = obj.low_bandwidth_file.name
            sections["media"].append(media)
        elif kind == "image":
            path = _media_path(key, obj.file_kind)
            files[path] = obj.file.name
            sections["images"].append({"key": key, "lesson": lesson_keys[obj.lesson_id], "name": obj.key, "file": path})
        elif kind == "attachment":
            path = _media_path(key, obj.file_kind)
            files[path] = obj.file.name
            lesson = lesson_keys[obj.lesson_id]
            sections["attachments"].append({"key": key, "lesson": lesson, "position": obj.position, "file": path})
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "course": {
            "code": course.code,
            "level": course.level,
            "workload_hours": course.workload_hours,
            "languages": list(course.languages),
            "status": course.status,
            "competencies": [{"framework": c.framework.code, "code": c.code} for c in competencies],
            "authoring_institutions": [code for code in institutions if code],
        },
        **sections,
    }
    return manifest, files


def package_languages(course: Course, units: list[Unit]) -> list[str]:
    """The languages the package carries: the course's, then any other with a translation row."""
    present = {language for unit in units for language in unit.translations}
    return [code for code, _name in settings.LANGUAGES if code in course.languages or code in present]


def _copy_stored(archive: zipfile.ZipFile, path: str, name: str, storage: Any) -> None:
    """Add a stored file to the package as is (media are compressed already). A file lost from the
    storage is left out; the manifest still names it, so importing the package says which one."""
    if not storage.exists(name):
        return
    info = zipfile.ZipInfo(path, date_time=timezone.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    with storage.open(name, "rb") as source, archive.open(info, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, 1024 * 1024)


def course_package_export(*, course: Course) -> IO[bytes]:
    """The course as a zip in a temporary file (rewound), ready to stream."""
    units = course_units(course)
    manifest, files = _manifest(course, units)
    target = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned to the caller
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, _json(manifest))
        for language in package_languages(course, units):
            entries: dict[str, dict[str, Any]] = {}
            for unit in units:
                texts = unit.texts(language)
                if unit.kind.name == "lesson":
                    body = texts.pop("body")
                    if body:
                        archive.writestr(f"content/{language}/lessons/{unit.key}.md", body)
                row = unit.translations.get(language)
                if unit.kind.name == "media" and row is not None and row.captions:
                    _copy_stored(archive, f"content/{language}/captions/{unit.key}.vtt", row.captions.name,
                                 default_storage)  # fmt: skip
                entries[unit.key] = {"status": unit.status(language), **texts}
            archive.writestr(f"content/{language}/units.json", _json({"language": language, "units": entries}))
        for path, name in files.items():
            _copy_stored(archive, path, name, default_storage)
    target.seek(0)
    return target


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def package_filename(course: Course) -> str:
    return f"{course.code}-package.zip"


# --- reading a package safely --------------------------------------------------------------------------------


def _unsafe_name(name: str) -> bool:
    return (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or re.match(r"^[A-Za-z]:", name) is not None
        or any(part in ("..", ".") for part in name.split("/"))
        or len(name) > 255
    )


def _entry_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if _unsafe_name(name):
        return _("“%(name)s” is not a safe file name (absolute, with “..” or a drive letter).") % {"name": name[:120]}
    # The file type in the Unix mode bits; zero (no type recorded) is an ordinary file.
    file_type = stat.S_IFMT(info.external_attr >> 16)
    if file_type and file_type not in (stat.S_IFREG, stat.S_IFDIR):
        return _("“%(name)s” is a link or a special file; a package holds ordinary files only.") % {"name": name}
    if info.flag_bits & 0x1:
        return _("“%(name)s” is encrypted.") % {"name": name}
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return _("“%(name)s” is compressed with a method this site does not read; use ordinary zip.") % {"name": name}
    if info.file_size > RATIO_CHECK_FROM_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
        return _("“%(name)s” unpacks to more than %(ratio)s times its packed size; this looks like a zip bomb.") % {
            "name": name,
            "ratio": MAX_COMPRESSION_RATIO,
        }
    return None


def _entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The package's files by name (a single top folder, as re-zipping by hand adds, is dropped)."""
    infos = archive.infolist()
    if len(infos) > PACKAGE_MAX_ENTRIES:
        raise PackageError(
            _("The package holds %(count)s files; a package may hold at most %(limit)s.")
            % {"count": len(infos), "limit": PACKAGE_MAX_ENTRIES}
        )
    problems = [problem for info in infos if (problem := _entry_problem(info))]
    total = sum(info.file_size for info in infos)
    if total > PACKAGE_MAX_UNPACKED_BYTES:
        problems.append(
            _("The package unpacks to %(size)s; at most %(limit)s is allowed.")
            % {"size": filesizeformat(total), "limit": filesizeformat(PACKAGE_MAX_UNPACKED_BYTES)}
        )
    if problems:
        raise PackageError(*problems)
    files = [info for info in infos if not info.is_dir() and not IGNORED_ENTRY.search(info.filename)]
    prefix = ""
    if not any(info.filename == MANIFEST for info in files):
        tops = {info.filename.split("/", 1)[0] for info in files}
        if len(tops) == 1 and all("/" in info.filename for info in files):
            prefix = tops.pop() + "/"
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in files:
        name = info.filename.removeprefix(prefix)
        if name in entries:
            raise PackageError(_("“%(name)s” appears twice in the package.") % {"name": name})
        entries[name] = info
    return entries


def _too_large(name: str, limit: int) -> PackageError:
    return PackageError(_("“%(name)s” is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)})


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """An entry's bytes, never more than `limit` (a header may lie about the size)."""
    if info.file_size > limit:
        raise _too_large(info.filename, limit)
    with archive.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(info.filename, limit)
    return data


def _spool_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limit: int) -> File:
    """An entry copied into a temporary file, at most `limit` bytes, as a Django File named like it."""
    if info.file_size > limit:
        raise _too_large(name, limit)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by Package.close()
    copied = 0
    with archive.open(info) as stream:
        while chunk := stream.read(1024 * 1024):
            copied += len(chunk)
            if copied > limit:
                spool.close()
                raise _too_large(name, limit)
            spool.write(chunk)
    spool.seek(0)
    file = File(spool, name=name.rsplit("/", 1)[-1])
    file.size = copied
    return file


def _read_json(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Any:
    try:
        return json.loads(_read_entry(archive, info, TEXT_ENTRY_MAX_BYTES).decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PackageError(_("“%(name)s” is not UTF-8 text.") % {"name": name}) from exc
    except json.JSONDecodeError as exc:
        raise PackageError(
            _("“%(name)s” is not valid JSON (line %(line)s, column %(column)s: %(error)s).")
            % {"name": name, "line": exc.lineno, "column": exc.colno, "error": exc.msg}
        ) from exc


def package_read(source: bytes | IO[bytes]) -> Package:
    """Parse a package's manifest, texts and files; PackageError when the file as a whole is unusable.
    The caller closes the package (its media are held in temporary files)."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size > PACKAGE_MAX_BYTES:
        raise PackageError(
            _("The file is %(size)s; a package may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(PACKAGE_MAX_BYTES)}
        )
    if stream.read(4) != b"PK\x03\x04":
        raise PackageError(_("This file is not a zip archive. Upload the .zip file exported from a course."))
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            return _package_from(archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise PackageError(_("The zip archive is damaged and cannot be read.")) from exc


def _package_from(archive: zipfile.ZipFile) -> Package:
    entries = _entries(archive)
    if MANIFEST not in entries:
        raise PackageError(_("The package has no manifest.json; it is not a course package exported from erdem."))
    manifest = _read_json(archive, entries[MANIFEST], MANIFEST)
    if not isinstance(manifest, dict):
        raise PackageError(_("manifest.json must hold a JSON object."))
    if manifest.get("format") != FORMAT_NAME:
        raise PackageError(
            _("manifest.json does not name the format “%(format)s”; this is not an erdem course package.")
            % {"format": FORMAT_NAME}
        )
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise PackageError(
            _("The package is in format version %(version)s; this site reads version %(supported)s.")
            % {"version": str(version)[:20], "supported": FORMAT_VERSION}
        )
    languages = {code for code, _name in settings.LANGUAGES}
    package = Package(manifest=manifest, content={})
    bodies: dict[tuple[str, str], str] = {}
    unexpected = []
    try:
        for name, info in entries.items():
            if name == MANIFEST:
                continue
            match = UNITS_ENTRY.fullmatch(name) or BODY_ENTRY.fullmatch(name) or CAPTIONS_ENTRY.fullmatch(name)
            if match and match["language"] not in languages:
                match = None
            if match and match.re is UNITS_ENTRY:
                package.content[match["language"]] = _units_document(archive, info, name, match["language"])
            elif match and match.re is BODY_ENTRY:
                text = _read_entry(archive, info, TEXT_ENTRY_MAX_BYTES)
                try:
                    bodies[(match["language"], match["key"])] = text.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise PackageError(_("“%(name)s” is not UTF-8 text.") % {"name": name}) from exc
            elif match:
                package.files[name] = _spool_entry(archive, info, name, CAPTIONS_MAX_BYTES)
                package.captions[(match["language"], match["key"])] = name
            elif MEDIA_ENTRY.fullmatch(name):
                package.files[name] = _spool_entry(archive, info, name, MEDIA_ENTRY_MAX_BYTES)
            else:
                unexpected.append(name)
        if unexpected:
            raise PackageError(
                *(
                    _("“%(name)s” is not a file a course package may hold.") % {"name": name[:120]}
                    for name in unexpected[:20]
                )
            )
        for (language, key), body in bodies.items():
            unit = package.content.get(language, {}).get(key)
            if not isinstance(unit, dict):
                raise PackageError(
                    _("content/%(language)s/lessons/%(key)s.md has no entry in content/%(language)s/units.json.")
                    % {"language": language, "key": key}
                )
            unit["body"] = body
    except BaseException:
        package.close()
        raise
    return package


def _units_document(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, language: str) -> dict[str, Any]:
    document = _read_json(archive, info, name)
    if not isinstance(document, dict) or not isinstance(document.get("units"), dict):
        raise PackageError(_("“%(name)s” must hold an object with “units”.") % {"name": name})
    if document.get("language") != language:
        raise PackageError(
            _("“%(name)s” says its language is “%(language)s”; it must be “%(expected)s”.")
            % {"name": name, "language": str(document.get("language"))[:10], "expected": language}
        )
    return document["units"]


# --- checking the files --------------------------------------------------------------------------------------


def _check_files(package: Package, wanted: dict[str, str], keys: set[str]) -> tuple[list[Problem], dict[str, str]]:
    """Every media file the manifest names is there and is what it must be (sniffed, within its size
    limit); every file there is named; captions are UTF-8 WebVTT of a medium. The kinds found by path."""
    problems: list[Problem] = []
    kinds: dict[str, str] = {}
    for path, role in wanted.items():
        file = package.files.get(path)
        if file is None:
            problems.append(Problem(path, _("The manifest names this file, but the package does not hold it.")))
            continue
        allowed, limit = FILE_RULES[role]
        try:
            kinds[path] = upload_check(file, kinds=allowed, max_bytes=limit).key
        except ValidationError as error:
            problems.append(Problem(path, " ".join(error.messages)))
    captions = set(package.captions.values())
    for path in package.files:
        if path not in wanted and path not in captions:
            problems.append(Problem(path, _("The manifest does not name this file.")))
    for (language, key), path in package.captions.items():
        if key not in keys:
            problems.append(Problem(path, _("There is no such medium in the manifest.")))
            continue
        try:
            captions_check(package.files[path], f"captions_{language}")
        except ValidationError as error:
            problems.append(Problem(path, " ".join(error.messages)))
    return problems, kinds


# --- import --------------------------------------------------------------------------------------------------


class _Abort(Exception):
    """Raised inside the import's transaction to roll it back."""


@dataclass
class _Target:
    course: Course | None
    competencies: list[Competency]
    institutions: list[Institution]


def _resolve(package: Package, report: PackageReport, *, person: Any, course: Course) -> _Target | None:
    """Find the course the package updates (or check it may be created) and its references."""
    fields = package.manifest["course"]
    report.course_code = fields["code"]
    existing = Course.objects.filter(code=fields["code"]).first()
    if existing is not None and existing.pk != course.pk:
        message = _("This package is for the course “%(code)s”; import it from that course's page.")
        report.problems.append(Problem("manifest.json: course.code", message % {"code": fields["code"]}))
        return None
    if existing is None:
        report.creating = True
        if not can(person, Action.COURSE_CREATE, course.programme):
            message = _(
                "There is no course “%(code)s” here yet, and only the programme's national "
                "administrators may create one."
            )
            report.problems.append(Problem("manifest.json: course.code", message % {"code": fields["code"]}))
    wanted = [(item["framework"], item["code"]) for item in fields.get("competencies", [])]
    known = {
        (c.framework.code, c.code): c
        for c in Competency.objects.select_related("framework").filter(
            framework__code__in={framework for framework, _code in wanted}, code__in={code for _f, code in wanted}
        )
    }
    for index, (framework, code) in enumerate(wanted):
        if (framework, code) not in known:
            message = _("There is no competency “%(code)s” in the framework “%(framework)s” on this site.")
            report.problems.append(
                Problem(
                    f"manifest.json: course.competencies[{index}]", message % {"code": code, "framework": framework}
                )
            )
    codes = [code for code in fields.get("authoring_institutions", []) if code]
    institutions = list(Institution.objects.filter(code__in=codes))
    for code in sorted(set(codes) - {institution.code for institution in institutions}):
        message = _("There is no institution “%(code)s” on this site; it is not added as an author.")
        report.problems.append(
            Problem("manifest.json: course.authoring_institutions", message % {"code": code}, blocking=False)
        )
    return _Target(existing, [known[pair] for pair in wanted if pair in known], institutions)


def course_package_import(*, data: bytes | IO[bytes], person: Any, course: Course, dry_run: bool) -> PackageReport:
    """Import a package from `course`'s page: update that course, or create the package's course as
    a draft in the same programme. With `dry_run` nothing is kept; the report says what would happen."""
    report = PackageReport()
    try:
        package = package_read(data)
    except PackageError as error:
        report.problems += [Problem(_("the package"), message) for message in error.messages]
        return report
    try:
        _import(package, report, person=person, course=course, dry_run=dry_run)
    finally:
        package.close()
    return report


def _import(package: Package, report: PackageReport, *, person: Any, course: Course, dry_run: bool) -> None:
    check = Checker(MANIFEST)
    check_course(check, package.manifest.get("course"))
    structure = check_structure(check, package.manifest)
    report.problems += check.problems
    if report.errors:
        return
    report.problems += check_content(package.content, structure.keys)
    file_problems, kinds = _check_files(package, structure.files, structure.keys)
    report.problems += file_problems
    target = _resolve(package, report, person=person, course=course)
    if target is None or report.errors:
        return
    writer = Writer(
        manifest=package.manifest,
        content=package.content,
        files=package.files,
        file_kinds=kinds,
        captions=package.captions,
        dry_run=dry_run,
    )
    try:
        with transaction.atomic():
            report.course = course_write(
                writer,
                course=target.course,
                programme_id=course.programme_id,
                competencies=target.competencies,
                institutions=target.institutions,
            )
            report.changes = writer.changes
            report.problems += [Problem(where, message) for where, message in writer.problems]
            if report.errors or dry_run:
                raise _Abort
    except _Abort:
        writer.forget_written()
    except BaseException:
        writer.forget_written()
        raise
