"""The JSON document of one assessment (the contract in the product spec)."""

from __future__ import annotations

from assessments.selectors import AssessmentSheet


def assessment_document(sheet: AssessmentSheet) -> dict:
    assessment, result = sheet.assessment, sheet.result
    totals = {dim.code: dim for dim in result.dimensions} if result else {}
    return {
        "organization": assessment.team.organization.name,
        "organization_slug": assessment.team.organization.slug,
        "team": assessment.team.name,
        "year": assessment.year,
        "quarter": assessment.quarter,
        "model_version": assessment.model.version,
        "status": assessment.status,
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "dimensions": [
            {
                "code": dim.code,
                "name": dim.name,
                "total": totals[dim.code].total if dim.code in totals else None,
                "max_total": totals[dim.code].max_total if dim.code in totals else None,
                "band": totals[dim.code].band.label if dim.code in totals else None,
            }
            for dim in sheet.dimensions
        ],
        "overall_total": result.overall_total if result else None,
        "max_overall": result.max_overall if result else None,
        "answers": [
            {
                "question": item.question.code,
                "score": item.score,
                "note": item.note,
            }
            for row in sheet.rows
            for item in row.items
        ],
    }
