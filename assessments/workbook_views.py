"""export.xlsx: an organization's scores, heatmap and plan in one workbook, scoped as
export.csv is."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments import plan as plan_reads
from assessments import selectors
from assessments.exports import xlsx_format
from assessments.models import Assessment
from assessments.periods import Quarter
from catalogue.selectors import band_rules, model_structure
from organizations import selectors as scope
from organizations.models import Organization


@login_required
@require_GET
def organization_export_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(scope.organizations_visible_to(request.user), slug=slug)
    quarter = None
    if request.GET.get("quarter"):
        try:
            quarter = Quarter.parse(request.GET["quarter"])
        except ValueError as error:
            return HttpResponseBadRequest(str(error))
    visible = selectors.assessments_visible_to(request.user).filter(team__organization=organization)
    workbook = xlsx_format.organization_workbook(
        scores=selectors.export_rows(visible),
        heatmap=heatmap_of(request.user, organization, visible, quarter),
        plan=plan_reads.plan_export_rows(visible),
    )
    suffix = f"-{quarter.key}" if quarter else ""
    return FileResponse(
        workbook,
        as_attachment=True,
        filename=f"{organization.slug}-onboarding-maturity{suffix}.xlsx",
        content_type=xlsx_format.CONTENT_TYPE,
    )


def heatmap_of(
    user, organization: Organization, visible: QuerySet[Assessment], quarter: Quarter | None
) -> xlsx_format.Heatmap:
    """Each team of the organization the user may see, with its dimension totals for the
    quarter given, or for its latest submitted quarter: a fixed number of queries."""
    teams = list(scope.teams_visible_to(user).filter(organization=organization).order_by("name"))
    submitted = visible.filter(status=Assessment.Status.SUBMITTED)
    if quarter is not None:
        submitted = submitted.filter(year=quarter.year, quarter=quarter.quarter)
        caption = _("Dimension totals for %(quarter)s.") % {"quarter": quarter.label}
        missing = _("Not submitted for %(quarter)s") % {"quarter": quarter.label}
    else:
        newest_first = Window(
            RowNumber(), partition_by=F("team_id"), order_by=[F("year").desc(), F("quarter").desc()]
        )
        submitted = submitted.annotate(recency=newest_first).filter(recency=1)
        caption = _("Dimension totals of each team's latest submitted quarter.")
        missing = _("Nothing submitted yet")
    assessments = {a.team_id: a for a in submitted}
    summaries = selectors.assessment_summaries(list(assessments.values()))

    dimensions: dict[str, str] = {}  # code -> name, in the order the models list them
    bands = {}
    for assessment in sorted(assessments.values(), key=lambda a: a.model_id):
        structure = model_structure(assessment.model)
        for dimension in structure.dimensions.all():
            dimensions.setdefault(dimension.code, dimension.name)
        for band in band_rules(structure):
            bands.setdefault((band.min_total, band.max_total, band.label), band)

    rows = []
    for team in teams:
        assessment = assessments.get(team.pk)
        if assessment is None:
            rows.append(xlsx_format.HeatmapRow(team.name, missing, "", {}))
            continue
        summary = summaries[assessment.pk]
        rows.append(
            xlsx_format.HeatmapRow(
                team=team.name,
                quarter=Quarter(assessment.year, assessment.quarter).label,
                model_version=assessment.model.version,
                dimensions={d.code: d for d in summary.dimensions},
            )
        )
    return xlsx_format.Heatmap(
        caption=caption,
        dimensions=list(dimensions.items()),
        rows=rows,
        bands=sorted(bands.values(), key=lambda b: b.min_total),
    )
