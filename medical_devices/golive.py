"""Go-live without switching the controls off (docs/golive.md).

A company adopting the app on a live site opens a *Go-Live Observation*: while it is Observing, each control that
would refuse a document of that company (qualification, batch release and expiry, the two-invoice rule) lets it
pass and writes an *Observed Refusal* instead: who, which document, which rule, and the refusal's own message. The
report *Observed Refusals* lists them; *End Observe Period* (one click, by the quality or regulatory roles) ends it
and the controls refuse again. Other companies are not affected; the controls of the app's own records (controlled
fields, reasons, signatures, consignment and loaner-set stock) always refuse.
"""

import functools

import frappe
from frappe import _
from frappe.utils import now_datetime, strip_html

from medical_devices import inputs, stored_texts
from medical_devices.audit import controlled, trail

OBSERVATION = "Go-Live Observation"
EVENT = "Observed Refusal"
OBSERVERS = ("System Manager", "Quality Manager", "Regulatory Affairs Manager")
QUALIFICATION, BATCHES, TWO_INVOICE = (
	"Qualification (Licences and First Business)",
	"Batch Release and Expiry",
	"Two-Invoice Rule",
)
END = f"{__name__}.end_observation"
EVENT_FIELDS = (
	"observation",
	"company",
	"rule",
	"reference_doctype",
	"reference_name",
	"user",
	"occurred_on",
	"message",
)


def observed_rules() -> dict:
	"""The refusals observed, by their error: the rule each belongs to."""
	from medical_devices.gsp.qualification import QualificationError
	from medical_devices.gsp.stock_guard import BatchNotAllowedError
	from medical_devices.md_hospitals.two_invoice import TwoInvoiceError

	return {QualificationError: QUALIFICATION, BatchNotAllowedError: BATCHES, TwoInvoiceError: TWO_INVOICE}


def observing(company: str | None) -> str | None:
	"""The company's open observation, if it is being observed."""
	if not company:
		return None
	return frappe.db.get_value(OBSERVATION, {"company": company, "status": "Observing"})


def observed(handler):
	"""A control's doc_event handler, observed: for a company being observed, what it would refuse is recorded and
	the document passes; for any other company it refuses as before."""

	@functools.wraps(handler)
	def run(doc, method=None, *args, **kwargs):
		observation = observing(doc.get("company"))
		if not observation:
			return handler(doc, method, *args, **kwargs)
		rules = observed_rules()
		shown = len(frappe.local.message_log)
		try:
			return handler(doc, method, *args, **kwargs)
		except tuple(rules) as refusal:
			del frappe.local.message_log[shown:]  # the refusal's message is not shown: the document passes
			rule = next(rule for error, rule in rules.items() if isinstance(refusal, error))
			record_refusal(observation, rule, doc, refusal)

	return run


def record_refusal(observation: str, rule: str, doc, refusal: Exception):
	"""An Observed Refusal, written directly (the doctype is append-only), with its trail entry; once per
	document, rule and message."""
	reference_doctype = doc.get("voucher_type") or doc.doctype
	reference_name = doc.get("voucher_no") or doc.name
	message = strip_html(str(refusal)).strip()
	existing = frappe.db.get_value(
		EVENT,
		{
			"observation": observation,
			"rule": rule,
			"reference_doctype": reference_doctype,
			"reference_name": reference_name,
			"message": message,
		},
	)
	if existing:
		return
	user, stamp = frappe.session.user, now_datetime()
	values = {
		"observation": observation,
		"company": doc.get("company"),
		"rule": rule,
		"reference_doctype": reference_doctype,
		"reference_name": reference_name,
		"user": user,
		"occurred_on": stamp,
		"message": message,
	}
	name = next_event_name()
	trail.insert_rows(
		EVENT,
		("name", *EVENT_FIELDS, "owner", "modified_by", "creation", "modified"),
		[(name, *(values[field] for field in EVENT_FIELDS), user, user, stamp, stamp)],
	)
	trail.record_changes(
		EVENT,
		{str(name): {"created": {k: str(v) for k, v in values.items() if v}}},
		trail.INSERT,
		None,
		{"function": f"{__name__}.record_refusal"},
	)


def next_event_name() -> int:
	if frappe.db.db_type == "mariadb":
		return frappe.db.sql("select nextval(`observed_refusal_id_seq`)")[0][0]
	from frappe.database.sequence import get_next_val

	return get_next_val(EVENT)


@frappe.whitelist(methods=["POST"])
@inputs.endpoint
def end_observation(observation: str) -> dict:
	"""End Observe Period: the company's controls refuse again from now on."""
	observation = inputs.docname(OBSERVATION, observation, _("Go-Live Observation"))
	if not set(frappe.get_roles()) & set(OBSERVERS):
		frappe.throw(
			_("Only a {0} may end an observe period.").format(" / ".join(_(role) for role in OBSERVERS)),
			frappe.PermissionError,
		)
	doc = frappe.get_doc(OBSERVATION, observation)
	doc.check_permission("write")
	if doc.status != "Observing":
		frappe.throw(
			_("Observation {0} has ended already.").format(frappe.bold(doc.name)), inputs.InvalidInputError
		)
	controlled.allow(doc, END, status="Ended", ended_by=frappe.session.user, ended_on=now_datetime())
	doc.md_reason = stored_texts.OBSERVE_ENDED.text()
	doc.save()
	return {"name": doc.name, "refusals": frappe.db.count(EVENT, {"observation": doc.name})}
