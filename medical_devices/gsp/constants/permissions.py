# Permission rules added to ERPNext doctypes for the quality roles that decide on batches (GSP: quality
# staff review and release; ERPNext lets only Item Managers read batches). (doctype, role, rights)
DOCTYPE_PERMISSIONS = [
	("Batch", "Quality Manager", ("read", "report", "export", "print")),
	("Batch", "QA Reviewer", ("read", "report", "export", "print")),
	("Batch", "Regulatory Affairs Manager", ("read", "report", "export", "print")),
	("Quality Inspection", "QA Reviewer", ("read", "write", "create", "submit", "report", "print")),
]
