"""What the dashboards count, and the words that define each figure beside it.

A measure is a kind of event in the programme's raw records (a registration, an enrolment, a
completion, a certification, a rating, a workshop attendance, a place in the cascade, an answer to
the follow-up survey). The rollup (`rollups.py`) counts events per month and per cell; every figure
on a page is a sum of those counts. Only people who registered as educators of the programme
(educator role, e-mail address confirmed) are counted, so every figure shares one population.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    REGISTERED = "registered", _("registered educators")
    ENROLLED = "enrolled", _("enrolments")
    FIRST_ENROLLED = "first_enrolled", _("educators enrolled")
    COMPLETED = "completed", _("course completions")
    CORE_STEP = "core_step", _("core courses completed")
    CERTIFIED = "certified", _("certified educators")
    RATED = "rated", _("course ratings")
    RATED_HIGH = "rated_high", _("ratings of 4 or 5")
    ATTENDED = "attended", _("workshop attendances")
    FIRST_ATTENDED = "first_attended", _("educators who attended a workshop")
    REACHED = "reached", _("reached through the cascade")
    RESPONDED = "responded", _("follow-up survey respondents")
    INTEGRATING = "integrating", _("respondents integrating AI")


# Measures counted per course (the others are per person, course empty).
PER_COURSE = frozenset({Measure.ENROLLED, Measure.COMPLETED, Measure.RATED, Measure.RATED_HIGH, Measure.ATTENDED})


class Dimension(models.TextChoices):
    """What a table breaks a figure down by. Institution, region, course and month are columns of
    every rollup row; discipline, gender and language are kept as separate marginal rows."""

    INSTITUTION = "institution", _("institution")
    REGION = "region", _("region")
    DISCIPLINE = "discipline", _("discipline")
    GENDER = "gender", _("gender")
    LANGUAGE = "language", _("language")
    COURSE = "course", _("course")
    MONTH = "month", _("month")


# The person's attributes stored as marginal rows (dimension, value); "" is the total row.
MARGINALS = (Dimension.DISCIPLINE, Dimension.GENDER, Dimension.LANGUAGE)

DEFINITIONS = {
    Measure.REGISTERED: _(
        "People who hold the programme's educator role and confirmed their e-mail address, counted in "
        "the month they confirmed it. People invited by their institution who have not registered yet "
        "are not counted."
    ),
    Measure.ENROLLED: _(
        "Enrolments of registered educators in the programme's courses, counted in the month of enrolment."
    ),
    Measure.FIRST_ENROLLED: _(
        "Registered educators enrolled in at least one course, counted once, in the month of their first enrolment."
    ),
    Measure.COMPLETED: _(
        "Courses completed under the course's completion rules (every lesson done, every quiz passed, "
        "every required task approved, workshops attended), counted in the month of completion."
    ),
    Measure.CORE_STEP: _(
        "Registered educators who completed the programme's core courses, counted once, in the month "
        "they completed the last of them."
    ),
    Measure.CERTIFIED: _(
        "Registered educators holding an active micro-certificate of the programme, counted once, in the "
        "month it was awarded. Revoked and suspended credentials do not count."
    ),
    Measure.RATED: _("Answers to the survey at the end of a course, counted in the month they were given."),
    Measure.RATED_HIGH: _(
        "The share of course ratings that are 4 or 5 on the scale of 1 to 5, among the ratings given in the period."
    ),
    Measure.ATTENDED: _(
        "Attendances of registered educators at the programme's workshops (present or late), counted in the "
        "month of the workshop."
    ),
    Measure.FIRST_ATTENDED: _(
        "Registered educators who attended at least one workshop, counted once, in the month of their first."
    ),
    Measure.REACHED: _(
        "Registered educators placed in the cascade below a master teacher (trained by a master teacher, a "
        "regional trainer or a peer), counted in the month they were trained."
    ),
    Measure.RESPONDED: _(
        "Certified educators who answered the follow-up survey sent some months after certification, "
        "counted in the month they answered."
    ),
    Measure.INTEGRATING: _(
        "The share of follow-up survey respondents whose answer says they now integrate AI in their "
        "teaching (the answers the survey marks as integrating), among the respondents of the period."
    ),
}

FUNNEL_DEFINITION = _(
    "People at each stage at the end of the period, whenever they reached it: registered, enrolled in a "
    "course, completed one, two… of the core courses, certified. The drop is the share of the previous "
    "stage that has not reached this one."
)
SUPPRESSION_NOTE = _(
    "Counts of fewer than 5 people are shown as “<5”, and where a total would reveal such a count one "
    "more cell is hidden (“hidden”), so that nobody can be singled out. A share is hidden when it rests on "
    "fewer than 5 people."
)
