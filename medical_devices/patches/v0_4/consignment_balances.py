"""The Consignment Stock report by hospital reads figures kept as the ledger moves: made once from the ledger."""

from medical_devices.md_hospitals.consignment_balance import rebuild


def execute():
	rebuild()
