"""What a WMS, MES or hospital SPD system connects to without code (docs/integration.md): the OpenAPI file documents
only endpoints, parameters and fields the site has; the preset Webhooks are there, disabled, and render the JSON
they document for real documents of the demo."""

import inspect
import json
from pathlib import Path

import pytest

import frappe

from medical_devices.medical_devices.constants.webhooks import WEBHOOKS

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
# what every document of the REST API carries besides its fields
DOCUMENT_KEYS = {"name", "docstatus"}


@pytest.fixture(scope="module")
def spec():
	return json.loads(OPENAPI.read_text())


def schema(spec, reference):
	return spec["components"]["schemas"][reference["$ref"].rsplit("/", 1)[-1]]


def fieldnames(doctype) -> set[str]:
	return {field.fieldname for field in frappe.get_meta(doctype).fields}


def test_each_documented_method_is_whitelisted_and_takes_the_documented_parameters(spec):
	methods = [path for path in spec["paths"] if path.startswith("/api/method/")]
	assert len(methods) >= 2
	for path in methods:
		dotted = path.removeprefix("/api/method/")
		endpoint = frappe.get_attr(dotted)
		assert endpoint in frappe.whitelisted, dotted
		function = inspect.unwrap(endpoint)
		accepted = set(inspect.signature(function).parameters)
		for operation in spec["paths"][path].values():
			documented = {parameter["name"] for parameter in operation.get("parameters", [])}
			body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
			documented |= set(body.get("schema", {}).get("properties", {}))
			assert documented and documented <= accepted, (dotted, documented - accepted)


def test_each_documented_document_has_the_documented_fields(spec):
	resources = {
		path.removeprefix("/api/resource/").split("/")[0]: path
		for path in spec["paths"]
		if path.startswith("/api/resource/")
	}
	assert {"Consignment Usage Report", "Device Complaint"} <= set(resources)
	for doctype, path in resources.items():
		operation = spec["paths"][path].get("post")
		if not operation:
			continue
		body = schema(spec, operation["requestBody"]["content"]["application/json"]["schema"])
		assert set(body["properties"]) - DOCUMENT_KEYS <= fieldnames(doctype), doctype
		required = {field.fieldname for field in frappe.get_meta(doctype).fields if field.reqd}
		assert required - {"warehouse", "report_date", "status"} <= set(body["required"]) | {"naming_series"}
		for fieldname, value in body["properties"].items():
			if value.get("type") == "array":
				child = frappe.get_meta(doctype).get_field(fieldname).options
				assert set(schema(spec, value["items"])["properties"]) <= fieldnames(child), child
		example = operation["requestBody"]["content"]["application/json"].get("example", {})
		assert set(example) - DOCUMENT_KEYS <= fieldnames(doctype)


def test_the_preset_webhooks_are_disabled_and_render_their_json_for_real_documents():
	from frappe.integrations.doctype.webhook.webhook import get_webhook_data

	from medical_devices.demo import create_demo_data

	create_demo_data()
	for preset in WEBHOOKS:
		webhook = frappe.get_doc("Webhook", preset["name"])
		assert not webhook.enabled and webhook.request_structure == "JSON"
		filters = {"docstatus": 1} if frappe.get_meta(webhook.webhook_doctype).is_submittable else {}
		name = frappe.db.get_value(webhook.webhook_doctype, filters, "name", order_by="creation desc")
		data = get_webhook_data(frappe.get_doc(webhook.webhook_doctype, name), webhook)
		assert data["event"] and str(name) in json.dumps(data, ensure_ascii=False)
		if webhook.webhook_doctype == "Consignment Usage Report":
			assert data["items"] and all(row["patient_reference"] for row in data["items"])
			assert "hospital_record_no" not in json.dumps(data)
