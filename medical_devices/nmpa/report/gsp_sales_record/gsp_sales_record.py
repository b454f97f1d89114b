from medical_devices.nmpa.gsp_records import sales_record


def execute(filters=None):
	return sales_record(filters or {})
