"""A database connection beside the request's own, to the primary: it sees what is committed, not what the
request's transaction has written or its snapshot shows, and what it writes is committed on its own."""

import contextlib

import frappe


def open_connection():
	from frappe.database import get_db

	conf = frappe.conf
	db = get_db(
		socket=conf.db_socket,
		host=conf.db_host,
		port=conf.db_port,
		user=conf.db_name,
		password=conf.db_password,
		cur_db_name=conf.db_name,
	)
	db.connect()
	return db


@contextlib.contextmanager
def separate_transaction():
	"""Writes that must count whatever becomes of the request (committed at the end of the block)."""
	db = open_connection()
	try:
		yield db
		db.commit()
	finally:
		db.close()


def committed():
	"""The request's reading connection to what is committed, opened on first use and closed by `close`."""
	db = getattr(frappe.local, "md_committed_db", None)
	if db is None:
		db = frappe.local.md_committed_db = open_connection()
		frappe.db.after_commit.add(close)
		frappe.db.after_rollback.add(close)
	return db


def close():
	db = getattr(frappe.local, "md_committed_db", None)
	frappe.local.md_committed_db = None
	if db is not None:
		try:
			db.rollback()
			db.close()
		except Exception:
			pass  # a connection the server already dropped: nothing to give back
