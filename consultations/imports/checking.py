"""Checking the rows against the workshop (its working groups, the themes, the kinds, the plan
still open): every error with its row and column, nothing written."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from opengov.imports import (
    CellError,
    FileProblem,
    ParsedRow,
    choice_lookup,
    normal_text,
    read_table,
)

from ..models import Proposal, Theme, WorkingGroup, Workshop, ensure_plan_open
from .table import COLUMN_BY_KEY, SHEET, ParseResult, ProposalRow

# Words staff use in their sheets besides the labels of Proposal.Kind.
KIND_ALIASES = {
    "problem": ("مشكل", "مشكلة", "مشاكل", "إشكاليات", "problème", "problèmes", "problems"),
    "solution": ("حلول", "solutions"),
    "proposal": ("اقتراح", "مقترحات", "proposition", "propositions", "proposals"),
    "recommendation": ("توصيات", "recommandation", "recommandations", "recommendations"),
}


def _theme_lookup() -> dict[str, int]:
    lookup = {}
    for theme in Theme.objects.all():
        for key in (theme.slug, theme.name_ar, theme.name_fr):
            if key:
                lookup[normal_text(key)] = theme.pk
    return lookup


def group_numbers(groups: list[WorkingGroup]) -> dict[int, WorkingGroup]:
    """The number a file may name each group by: its own, or for a group without one (0, as
    groups added in the admin were saved before they were numbered from 1) its rank in the
    workshop, counted from 1, unless another group has that number."""
    numbers = {group.position: group for group in groups if group.position}
    for rank, group in enumerate(groups, 1):
        if not group.position:
            numbers.setdefault(rank, group)
    return numbers


def _group_lookup(workshop: Workshop) -> tuple[dict[str, WorkingGroup], list[WorkingGroup]]:
    groups = list(workshop.groups.order_by("position", "pk"))
    lookup = {}
    for group in groups:
        for key in (group.title_ar, group.title_fr, str(group.position)):
            if key:
                lookup.setdefault(normal_text(key), group)
    for number, group in group_numbers(groups).items():
        lookup.setdefault(str(number), group)
    return lookup, groups


def closed_plan_error(workshop: Workshop) -> ValidationError | None:
    """The refusal to add proposals to the workshop of a closed plan, or None."""
    try:
        ensure_plan_open(workshop.plan, what=Proposal._meta.verbose_name_plural)
    except ValidationError as error:
        return error
    return None


def parse_rows(workshop: Workshop, table: list[list[str]]) -> ParseResult:
    closed = closed_plan_error(workshop)
    if closed is not None:
        return ParseResult(file_errors=[CellError(0, "", closed.messages[0])])
    read = SHEET.read(table)
    rows, errors = read.rows, read.errors
    if read.present and not {"title_ar", "title_fr"} & read.present:
        errors.append(
            SHEET.error(1, "", gettext("The file needs a title column, in Arabic or in French."))
        )
    if not rows and read.present:
        errors.append(SHEET.error(2, "", gettext("The file has no proposal rows.")))
    if errors:
        return ParseResult(file_errors=errors)
    return check_rows(workshop, rows)


def check_rows(workshop: Workshop, rows: list[ParsedRow]) -> ParseResult:
    """The rows (as read, or as signed in a preview) checked against the workshop today."""
    result = ParseResult()
    closed = closed_plan_error(workshop)
    if closed is not None:
        result.file_errors.append(CellError(0, "", closed.messages[0]))
        return result
    if not rows:
        result.file_errors.append(SHEET.error(2, "", gettext("The file has no proposal rows.")))
        return result
    kinds = choice_lookup(Proposal.Kind.choices, KIND_ALIASES)
    themes = _theme_lookup()
    groups_by_key, groups = _group_lookup(workshop)
    number_of = {group.pk: number for number, group in group_numbers(groups).items()}
    group_names = ", ".join(f"{number_of.get(g.pk, g.position)} ({g})" for g in groups)
    group_names = group_names or gettext("none yet")
    for parsed in rows:
        row = ProposalRow(row=parsed.row, values=parsed.values)
        _check_row(row, workshop, kinds, themes, groups_by_key, group_names, bool(groups))
        result.rows.append(row)
    return result


def _check_row(row, workshop, kinds, themes, groups_by_key, group_names, has_groups) -> None:
    values = row.values

    def error(column: str, message: str) -> None:
        row.errors.append(SHEET.error(row.row, column, message))

    group_name = values.get("working_group", "")
    if group_name:
        group = groups_by_key.get(normal_text(group_name))
        if group is None:
            error(
                "working_group",
                gettext("No working group “%(name)s” in this workshop (groups: %(groups)s).")
                % {"name": group_name, "groups": group_names},
            )
        else:
            row.working_group_id = group.pk
            row.theme_id = group.theme_id
    elif has_groups:
        error("working_group", gettext("Name the working group."))
    theme_name = values.get("theme", "")
    if theme_name:
        theme_id = themes.get(normal_text(theme_name))
        if theme_id is None:
            error("theme", gettext("Unknown theme “%(name)s”.") % {"name": theme_name})
        else:
            row.theme_id = theme_id
    kind_name = values.get("kind", "")
    if kind_name:
        kind = kinds.get(normal_text(kind_name))
        if kind is None:
            error(
                "kind",
                gettext(
                    "Unknown kind “%(name)s”: use problem, solution, proposal or recommendation."
                )
                % {"name": kind_name},
            )
        else:
            row.kind = kind
    if not (values.get("title_ar") or values.get("title_fr")):
        error("title_ar", gettext("The title is empty: fill it in Arabic or in French."))
    row.errors.extend(SHEET.length_errors(row))
    if row.errors:
        return
    try:
        build_proposal(row, workshop).full_clean(exclude=["council", "plan", "workshop"])
    except ValidationError as problem:
        for name, messages in problem.message_dict.items():
            column = name if name in COLUMN_BY_KEY else ""
            for message in messages:
                error(column, message)


def build_proposal(row: ProposalRow, workshop: Workshop) -> Proposal:
    values = row.values
    return Proposal(
        council_id=workshop.council_id,
        plan_id=workshop.plan_id,
        workshop=workshop,
        working_group_id=row.working_group_id,
        theme_id=row.theme_id,
        kind=row.kind,
        title_ar=values.get("title_ar", ""),
        title_fr=values.get("title_fr", ""),
        body_ar=values.get("body_ar", ""),
        body_fr=values.get("body_fr", ""),
        submitted_by=values.get("submitted_by", ""),
    )


def parse_file(workshop: Workshop, name: str, data: bytes) -> ParseResult:
    try:
        table = read_table(name, data)
    except FileProblem as problem:
        return ParseResult(file_errors=[CellError(0, "", str(problem))])
    return parse_rows(workshop, table)
