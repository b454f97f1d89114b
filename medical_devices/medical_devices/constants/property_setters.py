from medical_devices.gsp.constants.grids import grid_property_setters

# Applied with is_system_generated=1, so uninstall removes exactly these and never a consultant's own.
PROPERTY_SETTERS = [
	# Expiry is what a warehouse keeper of devices looks at first in the batch list.
	{
		"doctype": "Batch",
		"fieldname": "expiry_date",
		"property": "in_list_view",
		"value": "1",
		"property_type": "Check",
	},
	{
		"doctype": "Batch",
		"fieldname": "expiry_date",
		"property": "in_standard_filter",
		"value": "1",
		"property_type": "Check",
	},
	# the stock forms' item grids: batch, expiry and unit on each row
	*grid_property_setters(),
]
