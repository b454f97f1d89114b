from medical_devices.nmpa.gsp_records import outbound_review_record


def execute(filters=None):
	return outbound_review_record(filters or {})
