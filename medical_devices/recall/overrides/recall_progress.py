"""Recall, on Delivery Note (a return) and Stock Entry naming a recall: the recall's progress follows."""

from medical_devices.recall.doctype.device_recall.device_recall import refresh_progress


def refresh_linked_recall(doc, method=None):
	"""on_submit / on_cancel of a Delivery Note (return) or Stock Entry that names a recall."""
	if doc.get("md_device_recall"):
		refresh_progress(doc.md_device_recall)
