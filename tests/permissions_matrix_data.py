"""The permissions matrix: what each role gets from every URL pattern of the project.

Read by tests/test_permissions_matrix.py, which walks the URL resolver and fails for any
pattern without a GET row here (Django admin counts as its index page only). A row is

    row(pattern, method, target, <one outcome per role, in ROLES order>, payload=...)

`pattern` is the pattern's namespaced name, or its full route when it has no name.
`target` names the object of the test world that fills the URL's arguments (see TARGETS
in the test module): "inst_a" is the institution of the coordinator, "job" a job that
coordinator started, "assignment" the educator's role in the programme the national
admin runs, "assignment_p2" a role in another programme, held at the other institution.
`payload` names the body of an unsafe request (PAYLOADS in the test module).

Column legend (ROLES): anon = not signed in; edu = educator at institution A; coord =
coordinator of institution A (the objects' institution); coordB = coordinator of
institution B; master / trainer / mentor = those roles, working at institution A;
viewer = ministry viewer; admin = national admin of the programme; super = superuser
(Django admin staff, no programme role).
"""

from dataclasses import dataclass
from enum import StrEnum

ROLES = (
    "anonymous",
    "educator",
    "coordinator",
    "other_coordinator",
    "master_teacher",
    "trainer",
    "mentor",
    "ministry_viewer",
    "national_admin",
    "superuser",
)


class Outcome(StrEnum):
    OK = "200"
    CREATED = "201"
    REDIRECT = "302 to a page of the app"
    LOGIN = "302 to /accounts/login/?next=<url>"
    ADMIN_LOGIN = "302 to /admin/login/?next=<url>"
    UNAUTHORIZED = "401"
    FORBIDDEN = "403"
    NOT_FOUND = "404"
    NOT_ALLOWED = "405"


# Short names for the table.
OK = Outcome.OK
C201 = Outcome.CREATED
GO = Outcome.REDIRECT
LOGIN = Outcome.LOGIN
ADM = Outcome.ADMIN_LOGIN
E401 = Outcome.UNAUTHORIZED
E403 = Outcome.FORBIDDEN
E404 = Outcome.NOT_FOUND
E405 = Outcome.NOT_ALLOWED

# Outcomes that refuse the request: the database and the outbox must be unchanged afterwards.
REFUSALS = frozenset({LOGIN, ADM, E401, E403, E404, E405})

# HTML pages served under /api/v1/; every other pattern there is a Ninja endpoint (or the API's 404),
# called with the person's API token for GET and with the session and a CSRF token for POST / DELETE.
HTML_UNDER_API = frozenset({"api:openapi-view", "api:tokens", "api:token-revoke"})


@dataclass(frozen=True)
class Row:
    pattern: str
    method: str
    target: str
    expected: dict[str, Outcome]
    payload: str = ""

    @property
    def label(self) -> str:
        target = f" @{self.target}" if self.target else ""
        return f"{self.method} {self.pattern}{target}"


def row(pattern: str, method: str, target: str, *outcomes: Outcome, payload: str = "") -> Row:
    if len(outcomes) != len(ROLES):
        raise ValueError(f"{pattern} {method}: {len(outcomes)} outcomes for {len(ROLES)} roles")
    return Row(pattern, method, target, dict(zip(ROLES, outcomes, strict=True)), payload)


# fmt: off
ROWS = [
    # pattern                          method target
    #    anon   edu    coord  coordB master trainer mentor viewer admin  super
    # --- public pages and the language switch -------------------------------------------------------------
    row("web:favicon",                  "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("web:landing",                  "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("web:home",                     "GET", "",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("web:language",                 "GET", "",
        E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("web:language",                 "POST", "",
        GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO, payload="language"),
    # --- accounts: signing in and out, registration, confirmation, passwords ----------------------------
    row("people:login",                 "GET", "",
        OK,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO),
    row("people:login",                 "POST", "",
        GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO, payload="login"),
    row("people:logout",                "GET", "",
        E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("people:logout",                "POST", "",
        GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO),
    row("people:register",              "GET", "",
        OK,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO),
    row("people:register",              "POST", "",
        OK,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO, payload="empty"),
    row("people:register_done",         "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("people:confirm_email",         "GET", "confirm",
        GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO),
    row("people:resend_confirmation",   "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("people:resend_confirmation",   "POST", "",
        GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO, payload="unknown_email"),
    row("people:profile",               "GET", "",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("people:profile",               "POST", "",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK, payload="empty"),
    row("people:password_change",       "GET", "",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("people:password_change",       "POST", "",
        LOGIN, GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO, payload="password_change"),
    row("people:password_change_done",  "GET", "",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("people:password_reset",        "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("people:password_reset",        "POST", "",
        GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO, payload="unknown_email"),
    row("people:password_reset_done",   "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("people:password_reset_confirm", "GET", "reset",
        GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO),
    row("people:password_reset_complete", "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # --- an institution's staff: its coordinator, national admins, superusers ----------------------------
    row("people:institution_people",    "GET", "inst_a",
        LOGIN, E403,  OK,    E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("people:institution_invite",    "GET", "inst_a",
        LOGIN, E403,  OK,    E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("people:institution_invite",    "POST", "inst_a",
        LOGIN, E403,  GO,    E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="staff_file"),
    row("people:staff_import_detail",   "GET", "staff_import",
        LOGIN, E403,  OK,    E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("people:staff_import_commit",   "GET", "staff_import",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("people:staff_import_commit",   "POST", "staff_import",
        LOGIN, E403,  GO,    E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="empty"),
    # --- courses: published ones for everyone (lessons once signed in), drafts for national admins ----------
    row("catalog:list",                 "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("catalog:course",               "GET", "course",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("catalog:course",               "GET", "draft_course",
        E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("catalog:lesson",               "GET", "lesson",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("catalog:lesson",               "GET", "draft_lesson",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    # --- a lesson's files and offline copies: its readers (signed in); the course team's media pages (COURSE_EDIT) --
    row("catalog:media_file",           "GET", "play",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("catalog:media_file",           "GET", "draft_play",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("catalog:media_captions",       "GET", "captions",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("catalog:media_captions",       "GET", "draft_captions",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("catalog:lesson_image",         "GET", "image",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("catalog:lesson_image",         "GET", "draft_image",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("catalog:lesson_attachment",    "GET", "attachment",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("catalog:lesson_attachment",    "GET", "draft_attachment",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("catalog:lesson_offline",       "GET", "lesson",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("catalog:lesson_offline",       "GET", "draft_lesson",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("catalog:course_offline",       "GET", "course",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("catalog:course_offline",       "GET", "draft_course",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("catalog:lesson_media",         "GET", "lesson",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("catalog:lesson_media",         "GET", "draft_lesson",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("catalog:lesson_media_add",     "GET", "lesson",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("catalog:lesson_media_add",     "POST", "lesson",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="media_upload"),
    row("catalog:lesson_media_edit",    "GET", "media",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("catalog:lesson_media_edit",    "POST", "media",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="media_upload"),
    row("catalog:lesson_media_delete",  "GET", "media",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("catalog:lesson_media_delete",  "POST", "media",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="empty"),
    row("catalog:lesson_image_add",     "GET", "lesson",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("catalog:lesson_image_add",     "POST", "lesson",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="image_upload"),
    row("catalog:lesson_image_edit",    "GET", "image_row",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("catalog:lesson_image_edit",    "POST", "image_row",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="image_upload"),
    row("catalog:lesson_image_delete",  "GET", "image_row",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("catalog:lesson_image_delete",  "POST", "image_row",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="empty"),
    row("catalog:lesson_attachment_add","GET", "lesson",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("catalog:lesson_attachment_add","POST", "lesson",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="attachment_upload"),
    row("catalog:lesson_attachment_edit","GET", "attachment_row",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("catalog:lesson_attachment_edit","POST", "attachment_row",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="attachment_upload"),
    row("catalog:lesson_attachment_delete","GET", "attachment_row",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("catalog:lesson_attachment_delete","POST", "attachment_row",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="empty"),
    row("catalog:lesson_media_delete",  "POST", "draft_media",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  GO,    GO, payload="empty"),
    # --- course packages and translation files: the course team and national admins (COURSE_EDIT) -----------
    row("catalog:package",              "GET", "course",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("catalog:package",              "GET", "draft_course",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("catalog:package_export",       "GET", "course",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("catalog:package_export",       "GET", "draft_course",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("catalog:package_import",       "GET", "course",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("catalog:package_import",       "POST", "course",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK, payload="package"),
    row("catalog:package_import",       "POST", "draft_course",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK, payload="empty"),
    row("catalog:translation_export",   "GET", "course",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("catalog:translation_import",   "GET", "course",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("catalog:translation_import",   "POST", "course",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK, payload="translations"),
    # --- learning: enrolment (educators of the programme), progress, a cohort's progress ------------------
    row("learning:list",                "GET", "",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("learning:enrol",               "GET", "course",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("learning:enrol",               "POST", "course",
        LOGIN, GO,    E403,  E403,  E403,  E403,  E403,  E403,  E403,  GO, payload="empty"),
    row("learning:enrol",               "POST", "draft_course",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  E403,  GO, payload="empty"),
    row("learning:lesson_done",         "GET", "lesson",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("learning:lesson_done",         "POST", "lesson",
        LOGIN, GO,    E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404, payload="empty"),
    row("learning:cohort",              "GET", "cohort",
        LOGIN, E403,  OK,    E403,  E403,  OK,    E403,  E403,  OK,    OK),
    row("learning:cohort_enrol",        "GET", "cohort",
        LOGIN, E403,  OK,    E403,  E403,  OK,    E403,  E403,  OK,    OK),
    row("learning:cohort_enrol",        "POST", "cohort",
        LOGIN, E403,  GO,    E403,  E403,  GO,    E403,  E403,  GO,    GO, payload="cohort_enrol"),
    # cohorts: the list for those who follow or may train cohorts (each sees their own); creating and
    # changing for national admins and coordinators (their own institution: B's coordinator may not
    # choose institution A, so the form comes back; so it does for the superuser, whose new cohorts go to
    # the current programme, not the one of the course sent)
    row("learning:cohorts",             "GET", "",
        LOGIN, E403,  OK,    OK,    OK,    OK,    OK,    E403,  OK,    OK),
    row("learning:cohort_new",          "GET", "",
        LOGIN, E403,  OK,    OK,    E403,  E403,  E403,  E403,  OK,    OK),
    row("learning:cohort_new",          "POST", "",
        LOGIN, E403,  GO,    OK,    E403,  E403,  E403,  E403,  GO,    OK, payload="cohort_form"),
    row("learning:cohort_edit",         "GET", "cohort",
        LOGIN, E403,  OK,    E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("learning:cohort_edit",         "POST", "cohort",
        LOGIN, E403,  GO,    E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="cohort_form"),
    # the feedback survey: only one's own completed enrolment (the educator completed the course)
    row("learning:feedback",            "GET", "course",
        LOGIN, OK,    E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404),
    row("learning:feedback",            "POST", "course",
        LOGIN, GO,    E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404, payload="feedback"),
    # --- quizzes: signed-in readers of the course; an attempt only for the person who made it -------------------
    row("assessments:quiz",             "GET", "quiz",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("assessments:quiz",             "GET", "draft_quiz",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("assessments:quiz",             "POST", "quiz",
        LOGIN, GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO, payload="empty"),
    row("assessments:attempt",          "GET", "attempt",
        LOGIN, OK,    E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404),
    row("assessments:attempt",          "POST", "attempt",
        LOGIN, GO,    E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404, payload="quiz_empty_confirmed"),
    # --- authoring: the course's team (the master teacher is on the team of the authoring course) and
    #     national admins of its programme; courses they may not read answer 404 --------------------------
    row("authoring:list",               "GET", "",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("authoring:new",                "GET", "",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("authoring:new",                "POST", "",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK, payload="empty"),
    row("authoring:course",             "GET", "authoring_course",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK),
    row("authoring:course",             "GET", "draft_course",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("authoring:settings",           "GET", "authoring_course",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK),
    row("authoring:settings",           "POST", "authoring_course",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK, payload="empty"),
    row("authoring:course_text",        "GET", "authoring_course",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK),
    row("authoring:course_text",        "POST", "authoring_course",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK, payload="empty"),
    row("authoring:course_preview",     "GET", "authoring_course",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK),
    row("authoring:course_preview",     "GET", "draft_course",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("authoring:module_new",         "GET", "authoring_course",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK),
    row("authoring:module_new",         "POST", "authoring_course",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK, payload="empty"),
    row("authoring:module",             "GET", "authoring_module",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK),
    row("authoring:module",             "POST", "authoring_module",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK, payload="empty"),
    row("authoring:module_move",        "GET", "authoring_module",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("authoring:module_move",        "POST", "authoring_module",
        LOGIN, E403,  E403,  E403,  GO,    E403,  E403,  E403,  GO,    GO, payload="move_down"),
    row("authoring:module_delete",      "GET", "authoring_module",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK),
    row("authoring:module_delete",      "POST", "authoring_module",
        LOGIN, E403,  E403,  E403,  GO,    E403,  E403,  E403,  GO,    GO, payload="empty"),
    row("authoring:lesson_new",         "GET", "authoring_module",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK),
    row("authoring:lesson_new",         "POST", "authoring_module",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK, payload="empty"),
    row("authoring:lesson",             "GET", "authoring_lesson",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK),
    row("authoring:lesson",             "POST", "authoring_lesson",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK, payload="empty"),
    row("authoring:lesson",             "GET", "draft_lesson",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("authoring:lesson_move",        "GET", "authoring_lesson",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("authoring:lesson_move",        "POST", "authoring_lesson",
        LOGIN, E403,  E403,  E403,  GO,    E403,  E403,  E403,  GO,    GO, payload="move_down"),
    row("authoring:lesson_delete",      "GET", "authoring_lesson",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK),
    row("authoring:lesson_delete",      "POST", "authoring_lesson",
        LOGIN, E403,  E403,  E403,  GO,    E403,  E403,  E403,  GO,    GO, payload="empty"),
    row("authoring:lesson_preview",     "GET", "authoring_lesson",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK),
    row("authoring:lesson_preview",     "GET", "draft_lesson",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("authoring:quiz",               "GET", "authoring_quiz",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK),
    row("authoring:quiz",               "POST", "authoring_quiz",
        LOGIN, E403,  E403,  E403,  OK,    E403,  E403,  E403,  OK,    OK, payload="empty"),
    row("authoring:quiz",               "GET", "draft_course_quiz",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    # --- practical assignments: readers of the course; a submission for its learner and its reviewers --------
    # (the trainer trains the educator's cohort; the mentor's scope is the whole programme)
    row("assignments:detail",           "GET", "practical",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("assignments:detail",           "GET", "draft_practical",
        LOGIN, E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("assignments:detail",           "POST", "practical",
        LOGIN, GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO, payload="submission"),
    row("assignments:queue",            "GET", "",
        LOGIN, E403,  E403,  E403,  OK,    OK,    OK,    E403,  OK,    OK),
    row("assignments:review",           "GET", "waiting_submission",
        LOGIN, E404,  E404,  E404,  E404,  OK,    OK,    E404,  OK,    OK),
    row("assignments:review",           "POST", "waiting_submission",
        LOGIN, E404,  E404,  E404,  E404,  GO,    GO,    E404,  GO,    GO, payload="review"),
    row("assignments:file",             "GET", "submission_file",
        LOGIN, OK,    E404,  E404,  E404,  OK,    OK,    E404,  OK,    OK),
    # --- background jobs: only the person who started one sees it -----------------------------------------
    row("jobs:list",                    "GET", "",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("jobs:detail",                  "GET", "job",
        LOGIN, E404,  OK,    E404,  E404,  E404,  E404,  E404,  E404,  OK),
    row("jobs:status",                  "GET", "job",
        LOGIN, E404,  OK,    E404,  E404,  E404,  E404,  E404,  E404,  OK),
    # --- role management: national admins of the programme ------------------------------------------------
    row("access:list",                  "GET", "",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("access:assign",                "GET", "",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("access:assign",                "POST", "",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="role_assign"),
    row("access:end",                   "GET", "assignment",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("access:end",                   "POST", "assignment",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="empty"),
    row("access:end",                   "GET", "assignment_p2",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  E404,  OK),
    row("access:end",                   "POST", "assignment_p2",
        LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403,  E404,  GO, payload="empty"),
    # --- API pages (HTML) -------------------------------------------------------------------------------
    row("api:openapi-view",             "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:tokens",                   "GET", "",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:tokens",                   "POST", "",
        LOGIN, GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO, payload="token"),
    row("api:token-revoke",             "GET", "educator_token",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("api:token-revoke",             "POST", "educator_token",
        LOGIN, GO,    E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404, payload="empty"),
    # --- API: public reference data ---------------------------------------------------------------------
    row("api:openapi-json",             "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:api-root",                 "GET", "",
        E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404),
    row("api/v1/(?P<unmatched>.+)$",    "GET", "unmatched",
        E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404),
    row("api:region_list",              "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:region_detail",            "GET", "region",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:institution_list",         "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:institution_detail",       "GET", "inst_a",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:programme_list",           "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:programme_detail",         "GET", "programme",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # --- API: people, roles and jobs (signed-in callers, scoped) ------------------------------------------
    row("api:person_list",              "GET", "",
        E401,  OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:person_me",                "GET", "",
        E401,  OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:person_detail",            "GET", "educator",
        E401,  OK,    OK,    E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("api:person_detail",            "GET", "outsider",
        E401,  E404,  E404,  OK,    E404,  E404,  E404,  E404,  OK,    OK),
    row("api:person_roles",             "GET", "educator",
        E401,  OK,    OK,    E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("api:role_list_mine",           "GET", "",
        E401,  OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:role_create",              "GET", "",
        E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("api:role_create",              "POST", "",
        E401,  E403,  E403,  E403,  E403,  E403,  E403,  E403,  C201,  C201, payload="role_json"),
    row("api:role_create",              "POST", "programme_2",
        E401,  E403,  E403,  E403,  E403,  E403,  E403,  E403,  E403,  C201, payload="role_json_p2"),
    row("api:role_delete",              "GET", "assignment",
        E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("api:role_delete",              "DELETE", "assignment",
        E401,  E403,  E403,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("api:role_delete",              "DELETE", "assignment_p2",
        E401,  E404,  E404,  E403,  E404,  E404,  E404,  E404,  E403,  OK),
    row("api:job_detail",               "GET", "job",
        E401,  E404,  OK,    E404,  E404,  E404,  E404,  E404,  E404,  OK),
    # --- API: courses (public, drafts for national admins) and learning (one's own; a cohort's followers) ----
    row("api:course_list",              "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:course_detail",            "GET", "course",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:course_detail",            "GET", "draft_course",
        E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404,  OK,    OK),
    row("api:enrolment_list_mine",      "GET", "",
        E401,  OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # the same path as the list: GET lists, POST enrols (again: 200 with the enrolment one has)
    row("api:enrolment_create_mine",    "GET", "",
        E401,  OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:enrolment_create_mine",    "POST", "",
        E401,  OK,    E403,  E403,  E403,  E403,  E403,  E403,  E403,  C201, payload="enrol_json"),
    row("api:enrolment_progress_detail", "GET", "enrolment",
        E401,  OK,    OK,    E404,  E404,  OK,    E404,  E404,  OK,    OK),
    row("api:enrolment_lesson_done",    "GET", "enrolment_lesson",
        E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("api:enrolment_lesson_done",    "POST", "enrolment_lesson",
        E401,  OK,    E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404, payload="empty"),
    row("api:enrolment_feedback_submit", "GET", "enrolment",
        E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("api:enrolment_feedback_submit", "POST", "enrolment",
        E401,  C201,  E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404, payload="feedback_json"),
    row("api:cohort_enrolment_list",    "GET", "cohort",
        E401,  E403,  OK,    E403,  E403,  OK,    E403,  E403,  OK,    OK),
    # --- workshops: signed-in people find and read them; educators register; national admins and the
    #     coordinator of the workshop's institution manage it; its trainers and national admins take
    #     attendance (the coordinator reads the summary). The workshop is of the cohort the educator is in.
    row("workshops:list",               "GET", "",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("workshops:new",                "GET", "",
        LOGIN, E403,  OK,    OK,    E403,  E403,  E403,  E403,  OK,    OK),
    # the other coordinator may not choose institution A, the superuser's current programme has no such course
    row("workshops:new",                "POST", "",
        LOGIN, E403,  GO,    OK,    E403,  E403,  E403,  E403,  GO,    OK, payload="workshop_form"),
    row("workshops:detail",             "GET", "workshop",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("workshops:edit",               "GET", "workshop",
        LOGIN, E403,  OK,    E403,  E403,  E403,  E403,  E403,  OK,    OK),
    row("workshops:edit",               "POST", "workshop",
        LOGIN, E403,  GO,    E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="workshop_form"),
    row("workshops:cancel",             "GET", "workshop",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("workshops:cancel",             "POST", "workshop",
        LOGIN, E403,  GO,    E403,  E403,  E403,  E403,  E403,  GO,    GO, payload="empty"),
    row("workshops:register",           "GET", "workshop",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("workshops:register",           "POST", "workshop",
        LOGIN, GO,    E403,  E403,  E403,  E403,  E403,  E403,  E403,  GO, payload="empty"),
    row("workshops:unregister",         "GET", "workshop",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("workshops:unregister",         "POST", "workshop",
        LOGIN, GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO,    GO, payload="empty"),
    row("workshops:roster",             "GET", "workshop",
        LOGIN, E403,  E403,  E403,  E403,  OK,    E403,  E403,  OK,    OK),
    row("workshops:roster",             "POST", "workshop",
        LOGIN, E403,  E403,  E403,  E403,  GO,    E403,  E403,  GO,    GO, payload="roster_marks"),
    row("workshops:attendance",         "GET", "workshop",
        LOGIN, E403,  OK,    E403,  E403,  OK,    E403,  E403,  OK,    OK),
    row("workshops:checkin_screen",     "GET", "workshop",
        LOGIN, E403,  E403,  E403,  E403,  OK,    E403,  E403,  OK,    OK),
    row("workshops:checkin_code",       "GET", "workshop",
        LOGIN, E403,  E403,  E403,  E403,  OK,    E403,  E403,  OK,    OK),
    # anyone signed in may try a code; a wrong one (or someone not on the roster) gets the form again
    row("workshops:checkin",            "GET", "workshop",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("workshops:checkin",            "POST", "workshop",
        LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK, payload="checkin_code"),
    row("workshops:paper_upload",       "GET", "workshop",
        LOGIN, E403,  E403,  E403,  E403,  OK,    E403,  E403,  OK,    OK),
    row("workshops:paper_upload",       "POST", "workshop",
        LOGIN, E403,  E403,  E403,  E403,  OK,    E403,  E403,  OK,    OK, payload="sign_in_sheet"),
    row("workshops:paper_commit",       "GET", "workshop",
        LOGIN, E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("workshops:paper_commit",       "POST", "workshop",
        LOGIN, E403,  E403,  E403,  E403,  GO,    E403,  E403,  GO,    GO, payload="empty"),
    # --- API: workshops for those they concern (the educator is in its cohort; the coordinator oversees it),
    #     its roster and attendance marks for its trainers and national admins, registration for educators;
    #     the offline roster's service worker is a public script
    row("workshops:offline_worker",     "GET", "",
        OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:workshop_list",            "GET", "",
        E401,  OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("api:workshop_detail",          "GET", "workshop",
        E401,  OK,    OK,    E404,  E404,  OK,    E404,  E404,  OK,    OK),
    row("api:workshop_roster",          "GET", "workshop",
        E401,  E403,  E403,  E404,  E404,  OK,    E404,  E404,  OK,    OK),
    row("api:workshop_attendance",      "GET", "workshop",
        E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("api:workshop_attendance",      "POST", "workshop",
        E401,  E403,  E403,  E404,  E404,  OK,    E404,  E404,  OK,    OK, payload="attendance_json"),
    row("api:workshop_register",        "GET", "workshop",
        E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("api:workshop_register",        "POST", "workshop",
        E401,  OK,    E403,  E404,  E404,  E403,  E404,  E404,  E403,  OK, payload="empty"),
    # nobody here holds a registration (the educator is on the roster through the cohort)
    row("api:workshop_unregister",      "GET", "workshop",
        E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("api:workshop_unregister",      "DELETE", "workshop",
        E401,  E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404),
    # --- Django admin: its index stands for the whole site ------------------------------------------------
    row("admin:index",                  "GET", "",
        ADM,   ADM,   ADM,   ADM,   ADM,   ADM,   ADM,   ADM,   ADM,   OK),
]
# fmt: on
