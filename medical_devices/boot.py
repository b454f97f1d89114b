"""What the desk's scripts need of the app's rules, from their one Python source (boot_session): the batch
statuses' colours and the transitions quality staff make by hand, the roles that see each action, the meanings
of an electronic signature, the documents that carry devices, and the messages of the texts the app stores. The
server enforces every one of them; the desk only shows them."""

from medical_devices import stored_texts
from medical_devices.audit.signature import MEANINGS, REVIEWER_ROLE
from medical_devices.controls import (
	COMPLAINT_DECIDERS,
	DEVICE_CLASSIFIERS,
	FIRST_BUSINESS_REVIEWERS,
	QA_ROLES,
	SET_REPROCESSORS,
	SUPPLIER_QUALIFIERS,
	WAREHOUSE_MANAGERS,
)
from medical_devices.devices import ITEM_TABLES
from medical_devices.gsp import rules
from medical_devices.gsp.constants.grids import GRID_COLUMNS
from medical_devices.md_hospitals.doctype.consignment_usage_report.consignment_usage_report import (
	STATUS_COLOURS as USAGE_COLOURS,
)
from medical_devices.md_hospitals.doctype.loaner_set_loan.loaner_set_loan import (
	STATUS_COLOURS as LOAN_COLOURS,
)
from medical_devices.md_hospitals.loaner_sets import STATUS_COLOURS as SET_COLOURS
from medical_devices.md_quality.doctype.approved_supplier.approved_supplier import (
	DECISIONS as SUPPLIER_DECISIONS,
)
from medical_devices.md_quality.doctype.approved_supplier.approved_supplier import (
	STATUS_COLOURS as SUPPLIER_COLOURS,
)
from medical_devices.md_quality.doctype.capa.capa import CHECKERS as CAPA_CHECKERS
from medical_devices.md_quality.doctype.capa.capa import STATUS_COLOURS as CAPA_COLOURS
from medical_devices.md_quality.doctype.device_complaint.device_complaint import (
	STATUS_COLOURS as COMPLAINT_COLOURS,
)
from medical_devices.md_quality.doctype.device_nonconformance.device_nonconformance import (
	STATUS_COLOURS as NONCONFORMANCE_COLOURS,
)
from medical_devices.recall.doctype.device_recall.device_recall import STATUS_COLOURS as RECALL_COLOURS
from medical_devices.udi.doctype.registration_certificate.registration_certificate import STATUS_COLOURS


def desk_rules() -> dict:
	return {
		"batch_status": {
			"colours": rules.STATUS_COLOURS,
			"manual_transitions": rules.manual_transitions(),
			"roles": list(QA_ROLES),
		},
		"registration_certificate": {"colours": STATUS_COLOURS},
		"device_recall": {"colours": RECALL_COLOURS},
		"device_complaint": {"colours": COMPLAINT_COLOURS, "deciders": list(COMPLAINT_DECIDERS)},
		"device_nonconformance": {"colours": NONCONFORMANCE_COLOURS},
		"capa": {"colours": CAPA_COLOURS, "checkers": list(CAPA_CHECKERS)},
		"approved_supplier": {
			"colours": SUPPLIER_COLOURS,
			"decisions": list(SUPPLIER_DECISIONS),
			"deciders": list(SUPPLIER_QUALIFIERS),
		},
		"consignment_usage_report": {"colours": USAGE_COLOURS},
		"consignment": {"warehouse_managers": list(WAREHOUSE_MANAGERS)},
		"loaner_set": {"colours": SET_COLOURS, "reprocessors": list(SET_REPROCESSORS)},
		"loaner_set_loan": {"colours": LOAN_COLOURS},
		"first_business_reviewers": list(FIRST_BUSINESS_REVIEWERS),
		"device_classifiers": list(DEVICE_CLASSIFIERS),
		"signature": {"meanings": list(MEANINGS), "reviewer_role": REVIEWER_ROLE},
		# the documents whose item tables carry devices: their scan field has the focus on a draft
		"stock_forms": sorted(ITEM_TABLES),
		# the item grids that show a batch's expiry beside it
		"grid_tables": list(GRID_COLUMNS),
		# the texts the app stores, read in the reader's language
		"stored_texts": stored_texts.for_desk(),
	}


def add_desk_rules(bootinfo):
	bootinfo.md_rules = desk_rules()
