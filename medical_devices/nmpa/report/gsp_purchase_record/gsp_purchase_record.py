from medical_devices.nmpa.gsp_records import purchase_record


def execute(filters=None):
	return purchase_record(filters or {})
