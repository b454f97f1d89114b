"""What stands at every hospital, kept as the stock ledger moves, so that the Consignment Stock report by hospital
reads a few thousand rows whatever the size of the ledger.

- Consignment Batch Balance: units per consignment warehouse and batch, with the batch's expiry date (for the units
  by expiry; a batch's new expiry date is written to its rows); a batch no longer there has no row.
- Consignment Arrival: units that arrived per consignment warehouse, item and day (for the units by age, first in,
  first out), as the stock ledger's inward entries count them.

Quantities and values per warehouse and item are ERPNext's own Bin, which its postings and reposts keep.

Every Stock Ledger Entry ERPNext submits at a consignment warehouse, a posting's or the reversal a cancel posts,
stages its keys (warehouse and day, and its bundle's batches); just before the transaction commits
(`frappe.db.before_commit`) each staged key is recomputed from the ledger, not adjusted by the change: an event
run twice, a savepoint rolled back, a back-dated entry or a repost that recreates the entries all end equal to the
ledger. `verify` compares every kept row with the whole ledger, daily, and repairs what differs (a write straight to
either side)."""

import hashlib

import frappe
from frappe import _
from frappe.utils import add_days, flt, getdate

from medical_devices.audit.trail import insert_rows
from medical_devices.md_hospitals import consignment

BALANCE = "Consignment Batch Balance"
ARRIVAL = "Consignment Arrival"
CHUNK = 500  # keys per recompute query
VERIFY_CHUNK = 50  # warehouses per verify step, to keep its memory flat at any ledger size
EPSILON = 1e-9


# --- kept as the ledger moves ---------------------------------------------------------------------------------------


def stage(doc):
	"""A Stock Ledger Entry submitted at a consignment warehouse has its keys recomputed before the commit."""
	if not doc.warehouse or not frappe.get_cached_value(
		"Warehouse", doc.warehouse, consignment.WAREHOUSE_FIELD
	):
		return
	staged = getattr(frappe.local, "md_consignment_staged", None)
	if staged is None:
		staged = frappe.local.md_consignment_staged = {"days": set(), "bundles": set()}
		frappe.db.before_commit.add(flush)
		frappe.db.after_rollback.add(discard)
	staged["days"].add((doc.warehouse, doc.item_code, getdate(doc.posting_date)))
	if doc.serial_and_batch_bundle:
		staged["bundles"].add((doc.warehouse, doc.serial_and_batch_bundle))


def discard():
	frappe.local.md_consignment_staged = None


def refresh_item_at(warehouse: str, item_code: str, since):
	"""Recompute an item's balances at a warehouse and its arrivals there from `since`: after a repost, which rewrites
	ledger entries (a stock count's current quantities) without posting any."""
	batches = set(
		frappe.db.sql_list(
			"""select distinct entry.batch_no from `tabSerial and Batch Entry` entry
			join `tabSerial and Batch Bundle` bundle on bundle.name = entry.parent
			where entry.warehouse = %s and bundle.item_code = %s and ifnull(entry.batch_no, '') != ''""",
			(warehouse, item_code),
		)
	) | set(
		frappe.get_all(BALANCE, filters={"warehouse": warehouse, "item_code": item_code}, pluck="batch_no")
	)
	refresh_balances({(warehouse, batch) for batch in batches})
	days = set(
		frappe.db.sql_list(
			"""select distinct posting_date from `tabStock Ledger Entry`
			where item_code = %s and warehouse = %s and posting_datetime >= %s""",
			(item_code, warehouse, getdate(since)),
		)
	) | set(
		frappe.get_all(
			ARRIVAL,
			filters={"warehouse": warehouse, "item_code": item_code, "posting_date": (">=", since)},
			pluck="posting_date",
		)
	)
	refresh_arrivals({(warehouse, item_code, getdate(day)) for day in days})


def flush():
	"""Recompute what this transaction's ledger entries touched (also called by readers of the kept figures, so that
	they see their own transaction's postings)."""
	staged = getattr(frappe.local, "md_consignment_staged", None)
	frappe.local.md_consignment_staged = None
	if not staged:
		return
	batches = set()
	bundles = {bundle for _warehouse, bundle in staged["bundles"]}
	warehouses = {warehouse for warehouse, _bundle in staged["bundles"]}
	for start in range(0, len(bundles), CHUNK):
		batches.update(
			frappe.db.sql(
				"""select distinct warehouse, batch_no from `tabSerial and Batch Entry`
				where parent in %s and ifnull(batch_no, '') != ''""",
				[sorted(bundles)[start : start + CHUNK]],
			)
		)
	refresh_balances({key for key in batches if key[0] in warehouses})
	refresh_arrivals(staged["days"])


def refresh_balances(keys):
	"""Recompute the balance of each (warehouse, batch) from the ledger, warehouse by warehouse."""
	by_warehouse: dict[str, list] = {}
	for warehouse, batch in sorted(keys):
		by_warehouse.setdefault(warehouse, []).append(batch)
	for warehouse, batches in by_warehouse.items():
		for start in range(0, len(batches), CHUNK):
			chunk = batches[start : start + CHUNK]
			rows = ledger_balances([warehouse], chunk, latest=True)
			frappe.db.sql(
				f"delete from `tab{BALANCE}` where warehouse = %s and batch_no in %s", [warehouse, chunk]
			)
			write_balances(rows)


def refresh_arrivals(keys):
	"""Recompute each (warehouse, item, day)'s arrivals from the ledger, warehouse and item by warehouse and item."""
	by_pair: dict[tuple, list] = {}
	for warehouse, item, day in sorted(keys):
		by_pair.setdefault((warehouse, item), []).append(day)
	for (warehouse, item), days in by_pair.items():
		for start in range(0, len(days), CHUNK):
			chunk = days[start : start + CHUNK]
			rows = ledger_arrivals([warehouse], [item], chunk, latest=True)
			frappe.db.sql(
				f"""delete from `tab{ARRIVAL}`
				where warehouse = %s and item_code = %s and posting_date in %s""",
				[warehouse, item, chunk],
			)
			write_arrivals(rows)


# --- the ledger's figures -------------------------------------------------------------------------------------------


# A recompute reads the ledger as committed now, not as this transaction's snapshot saw it when it began: a posting
# of the same batch or day committed by another transaction meanwhile counts (ERPNext's lock on the item's Bin at
# the warehouse keeps two postings there from interleaving).
LATEST = " lock in share mode"


def ledger_balances(warehouses, batches=None, latest: bool = False) -> list[tuple]:
	"""(warehouse, batch, item, units, expiry date) of the batches at the warehouses, from the submitted, not
	cancelled bundles (`latest`: as committed now)."""
	if not warehouses:
		return []
	condition = "and entry.batch_no in %(batches)s" if batches is not None else ""
	if batches is not None and not batches:
		return []
	return frappe.db.sql(
		f"""select entry.warehouse, entry.batch_no, bundle.item_code, sum(entry.qty), batch.expiry_date
		from `tabSerial and Batch Entry` entry
		join `tabSerial and Batch Bundle` bundle on bundle.name = entry.parent
		left join `tabBatch` batch on batch.name = entry.batch_no
		where entry.warehouse in %(warehouses)s {condition} and ifnull(entry.batch_no, '') != ''
			and bundle.docstatus = 1 and bundle.is_cancelled = 0
		group by entry.warehouse, entry.batch_no, bundle.item_code, batch.expiry_date
		having abs(sum(entry.qty)) > {EPSILON}{LATEST if latest else ""}""",
		{"warehouses": list(warehouses), "batches": list(batches or ())},
	)


def ledger_arrivals(warehouses, items=None, days=None, latest: bool = False) -> list[tuple]:
	"""(warehouse, item, day, units) that arrived, from the stock ledger's inward entries not cancelled (`latest`: as
	committed now)."""
	if items is None:
		# the items ever at the warehouses keep the lookup on the (item, warehouse, posting time) index
		items = frappe.get_all(
			"Bin",
			filters={"warehouse": ("in", list(warehouses or ()) or [""])},
			pluck="item_code",
			distinct=True,
		)
	if not warehouses or not items or (days is not None and not days):
		return []
	conditions = " and item_code in %(items)s"
	params = {"warehouses": list(warehouses), "items": list(items)}
	if days is not None:
		# the day's range keeps the lookup on the (item, warehouse, posting time) index
		conditions += (
			" and posting_date in %(days)s and posting_datetime >= %(first)s and posting_datetime < %(after)s"
		)
		params.update(days=list(days), first=min(days), after=add_days(max(days), 1))
	return frappe.db.sql(
		f"""select warehouse, item_code, posting_date, sum(actual_qty) from `tabStock Ledger Entry`
		where warehouse in %(warehouses)s {conditions} and is_cancelled = 0 and actual_qty > 0
		group by warehouse, item_code, posting_date{LATEST if latest else ""}""",
		params,
	)


def write_balances(rows):
	now = frappe.utils.now()
	insert_rows(
		BALANCE,
		(
			"name",
			"warehouse",
			"batch_no",
			"item_code",
			"qty",
			"expiry_date",
			"creation",
			"modified",
			"owner",
			"modified_by",
		),
		[
			(
				key_name(warehouse, batch),
				warehouse,
				batch,
				item,
				flt(qty),
				expiry,
				now,
				now,
				"Administrator",
				"Administrator",
			)
			for warehouse, batch, item, qty, expiry in rows
		],
	)


def write_arrivals(rows):
	now = frappe.utils.now()
	insert_rows(
		ARRIVAL,
		(
			"name",
			"warehouse",
			"item_code",
			"posting_date",
			"qty",
			"creation",
			"modified",
			"owner",
			"modified_by",
		),
		[
			(
				key_name(warehouse, item, day),
				warehouse,
				item,
				day,
				flt(qty),
				now,
				now,
				"Administrator",
				"Administrator",
			)
			for warehouse, item, day, qty in rows
		],
	)


def key_name(*key) -> str:
	return hashlib.sha1("\x1f".join(str(part) for part in key).encode()).hexdigest()


# --- reading ----------------------------------------------------------------------------------------------------


def stock(warehouses) -> list[frappe._dict]:
	"""Units and value per warehouse and item (ERPNext's Bin)."""
	if not warehouses:
		return []
	return frappe.db.sql(
		"""select warehouse, item_code, actual_qty as qty, stock_value as value from `tabBin`
		where warehouse in %s""",
		[list(warehouses)],
		as_dict=True,
	)


def by_expiry(warehouses, on_date, soon) -> dict[str, frappe._dict]:
	"""Warehouse -> batches there, units expired, units expiring by `soon`."""
	if not warehouses:
		return {}
	flush()
	rows = frappe.db.sql(
		f"""select warehouse, count(*) as batches,
			sum(case when expiry_date < %(today)s then qty else 0 end) as expired,
			sum(case when expiry_date >= %(today)s and expiry_date <= %(soon)s then qty else 0 end) as expiring
		from `tab{BALANCE}`
		where warehouse in %(warehouses)s and qty > 0
		group by warehouse""",
		{"warehouses": list(warehouses), "today": on_date, "soon": soon},
		as_dict=True,
	)
	return {row.warehouse: row for row in rows}


def arrived_since(warehouses, since: dict) -> dict[tuple, dict]:
	"""(warehouse, item) -> {key: units arrived after since[key]} (the days in `since` are the ages' limits)."""
	if not warehouses or not since:
		return {}
	flush()
	sums = ", ".join(
		f"sum(case when posting_date > %(since_{key})s then qty else 0 end) as `in_{key}`" for key in since
	)
	rows = frappe.db.sql(
		f"""select warehouse, item_code, {sums} from `tab{ARRIVAL}`
		where warehouse in %(warehouses)s and posting_date > %(oldest)s
		group by warehouse, item_code""",
		{
			"warehouses": list(warehouses),
			"oldest": min(since.values()),
			**{f"since_{key}": day for key, day in since.items()},
		},
		as_dict=True,
	)
	return {(row.warehouse, row.item_code): {key: flt(row[f"in_{key}"]) for key in since} for row in rows}


# --- checked against the ledger -------------------------------------------------------------------------------


def verify(warehouses=None, repair: bool = False) -> list[dict]:
	"""Every kept row against the whole ledger: [{table, warehouse, key, kept, ledger}] for each that differs
	(`repair`: and make it the ledger's). Without `warehouses`, every consignment warehouse."""
	flush()
	everything = warehouses is None
	if everything:
		warehouses = frappe.get_all(
			"Warehouse", filters={consignment.WAREHOUSE_FIELD: ("is", "set"), "is_group": 0}, pluck="name"
		)
	warehouses = sorted(warehouses)
	differences = []
	for start in range(0, len(warehouses), VERIFY_CHUNK):
		chunk = warehouses[start : start + VERIFY_CHUNK]
		differences += compare(
			BALANCE,
			{(row[0], row[1]): (row[2], flt(row[3]), row[4]) for row in ledger_balances(chunk)},
			{
				(row[0], row[1]): (row[2], flt(row[3]), row[4])
				for row in frappe.db.sql(
					f"""select warehouse, batch_no, item_code, qty, expiry_date from `tab{BALANCE}`
					where warehouse in %s""",
					[chunk],
				)
			},
		)
		differences += compare(
			ARRIVAL,
			{(row[0], row[1], getdate(row[2])): flt(row[3]) for row in ledger_arrivals(chunk)},
			{
				(row[0], row[1], getdate(row[2])): flt(row[3])
				for row in frappe.db.sql(
					f"select warehouse, item_code, posting_date, qty from `tab{ARRIVAL}` where warehouse in %s",
					[chunk],
				)
			},
		)
	if repair and differences:
		refresh_balances({row["key"] for row in differences if row["table"] == BALANCE})
		refresh_arrivals({row["key"] for row in differences if row["table"] == ARRIVAL})
	if repair and everything:
		drop_strays(warehouses)
	return differences


def compare(table: str, ledger: dict, kept: dict) -> list[dict]:
	found = []
	for key in ledger.keys() | kept.keys():
		mine, theirs = kept.get(key), ledger.get(key)
		if mine is None or theirs is None or not same(mine, theirs):
			found.append({"table": table, "warehouse": key[0], "key": key, "kept": mine, "ledger": theirs})
	return sorted(found, key=lambda row: [str(part) for part in row["key"]])


def same(mine, theirs) -> bool:
	if isinstance(mine, tuple):
		return mine[0] == theirs[0] and abs(mine[1] - theirs[1]) <= EPSILON and mine[2:] == theirs[2:]
	return abs(mine - theirs) <= EPSILON


def drop_strays(warehouses):
	"""Rows of warehouses that are no longer consignment warehouses."""
	for table in (BALANCE, ARRIVAL):
		frappe.db.sql(f"delete from `tab{table}` where warehouse not in %s", [list(warehouses) or [""]])


def check_every_company():
	"""Daily: the kept figures of every hospital against the ledger; what differs is repaired and reported to the
	stock managers."""
	differences = verify(repair=True)
	frappe.db.commit()  # nosemgrep: a background job ends its own transaction
	if not differences:
		return
	from medical_devices.gsp.alerts import send_alert
	from medical_devices.medical_devices.doctype.medical_device_settings.medical_device_settings import (
		users_with_roles,
	)

	lines = []
	for row in differences[:20]:
		table = row["table"]
		lines.append(
			"{}: {} {} ({} / {})".format(
				_(table),
				row["warehouse"],
				", ".join(str(part) for part in row["key"][1:]),
				row["kept"],
				row["ledger"],
			)
		)
	send_alert(
		_("Consignment stock: {0} kept figures differed from the stock ledger and were repaired").format(
			len(differences)
		),
		"<br>".join(lines),
		recipients=users_with_roles(["Stock Manager"]),
	)
	frappe.db.commit()  # nosemgrep


def rebuild():
	"""Migrate: every kept row made anew from the ledger, warehouse by warehouse."""
	flush()
	for table in (BALANCE, ARRIVAL):
		frappe.db.sql(f"delete from `tab{table}`")
	warehouses = frappe.get_all(
		"Warehouse",
		filters={consignment.WAREHOUSE_FIELD: ("is", "set"), "is_group": 0},
		pluck="name",
		order_by="name",
	)
	for start in range(0, len(warehouses), VERIFY_CHUNK):
		chunk = warehouses[start : start + VERIFY_CHUNK]
		write_balances(ledger_balances(chunk))
		write_arrivals(ledger_arrivals(chunk))


def follow_batch_expiry(batch: str, expiry_date):
	"""A batch's new expiry date, on its balances."""
	frappe.db.sql(
		f"update `tab{BALANCE}` set expiry_date = %s where batch_no = %s", (expiry_date or None, batch)
	)
