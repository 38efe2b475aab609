"""The committed OpenAPI schema is the one the code generates: API changes are deliberate."""

from __future__ import annotations

import io
from pathlib import Path

import yaml
from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parents[1] / "api" / "openapi.yaml"
REGENERATE = "python manage.py spectacular --file api/openapi.yaml --validate"


def generated_schema() -> str:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return out.getvalue()


def test_the_committed_schema_matches_the_code():
    generated = generated_schema()
    assert COMMITTED.read_text(encoding="utf-8") == generated, (
        "api/openapi.yaml differs from the schema the code generates. If the API change is "
        f"meant, regenerate it with `{REGENERATE}` and commit the file."
    )


def test_the_schema_documents_bearer_tokens_and_every_operation():
    schema = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "omm_<prefix>_<secret>",
        "description": "A personal access token, created under API tokens in the app.",
    }
    operations = {
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
    }
    assert {
        "assessments_list",
        "assessments_retrieve",
        "assessments_answers_update",
        "assessments_submit",
        "assessments_actions_create",
        "assessments_metrics_update",
        "organizations_import",
        "model_versions_list",
        "teams_create",
    } <= operations
    submit = schema["paths"]["/api/v1/assessments/{id}/submit/"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in submit["parameters"])
    assert {"401", "404", "409", "429"} <= set(submit["responses"])
