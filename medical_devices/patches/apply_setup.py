from medical_devices.setup import apply_setup


def execute():
	apply_setup()
