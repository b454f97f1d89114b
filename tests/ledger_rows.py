"""What ERPNext writes for a stock movement, written in bulk for volumes no test could make document by document:
a Stock Ledger Entry, its Serial and Batch Bundle and one bundle entry per movement (the benchmarks' million rows,
the browser test's recall of a thousand customers), and on request the Bin of each item and warehouse. The voucher
header rows are the caller's."""

import datetime

CHUNK = 5_000


class LedgerWriter:
	def __init__(self, frappe, company: str, prefix: str = "B", chunk: int = CHUNK, commit: bool = True):
		self.frappe, self.company, self.prefix = frappe, company, prefix
		self.chunk, self.commit = chunk, commit
		self.sle, self.bundles, self.entries = [], [], []
		self.count = 0
		self.totals: dict[tuple, list] = {}
		self.now = datetime.datetime.now()

	def move(self, voucher_type, voucher_no, item, batch, warehouse, qty, day, rate: float = 0.0):
		self.count += 1
		n, p = self.count, self.prefix
		bundle = f"{p}SB-{n:08d}"
		posting = datetime.datetime.combine(day, datetime.time(9, 0)) + datetime.timedelta(seconds=n % 30000)
		value = qty * rate
		total = self.totals.setdefault((item, warehouse), [0.0, 0.0])
		total[0] += qty
		total[1] += value
		stamps = (self.now, self.now, "Administrator", "Administrator")
		self.sle.append(
			(
				f"{p}SLE-{n:08d}",
				item,
				warehouse,
				voucher_type,
				voucher_no,
				f"{p}ROW-{n:08d}",
				day,
				posting.time(),
				posting,
				qty,
				value,
				rate,
				0,
				bundle,
				self.company,
				1,
				*stamps,
			)
		)
		self.bundles.append(
			(
				bundle,
				item,
				warehouse,
				voucher_type,
				voucher_no,
				"Outward" if qty < 0 else "Inward",
				1,
				0,
				1,
				self.company,
				day,
				qty,
				*stamps,
			)
		)
		self.entries.append(
			(
				f"{p}SBE-{n:08d}",
				bundle,
				"Serial and Batch Bundle",
				"entries",
				1,
				batch,
				qty,
				warehouse,
				rate,
				value,
				1,
				*stamps,
			)
		)
		if len(self.sle) >= self.chunk:
			self.flush()

	def flush(self):
		db = self.frappe.db
		stamps = ["creation", "modified", "owner", "modified_by"]
		db.bulk_insert(
			"Stock Ledger Entry",
			[
				"name",
				"item_code",
				"warehouse",
				"voucher_type",
				"voucher_no",
				"voucher_detail_no",
				"posting_date",
				"posting_time",
				"posting_datetime",
				"actual_qty",
				"stock_value_difference",
				"valuation_rate",
				"is_cancelled",
				"serial_and_batch_bundle",
				"company",
				"docstatus",
				*stamps,
			],
			self.sle,
		)
		db.bulk_insert(
			"Serial and Batch Bundle",
			[
				"name",
				"item_code",
				"warehouse",
				"voucher_type",
				"voucher_no",
				"type_of_transaction",
				"docstatus",
				"is_cancelled",
				"has_batch_no",
				"company",
				"posting_date",
				"total_qty",
				*stamps,
			],
			self.bundles,
		)
		db.bulk_insert(
			"Serial and Batch Entry",
			[
				"name",
				"parent",
				"parenttype",
				"parentfield",
				"idx",
				"batch_no",
				"qty",
				"warehouse",
				"incoming_rate",
				"stock_value_difference",
				"docstatus",
				*stamps,
			],
			self.entries,
		)
		if self.commit:
			db.commit()
		self.sle, self.bundles, self.entries = [], [], []

	def write_bins(self):
		"""Each item and warehouse's Bin, its quantity and value added to what is there already."""
		rows = [
			(
				f"{self.prefix}BIN-{n:08d}",
				item,
				warehouse,
				qty,
				value,
				value / qty if qty else 0,
				self.now,
				self.now,
			)
			for n, ((item, warehouse), (qty, value)) in enumerate(self.totals.items())
		]
		for start in range(0, len(rows), self.chunk):
			part = rows[start : start + self.chunk]
			self.frappe.db.sql(
				"""insert into `tabBin` (name, item_code, warehouse, actual_qty, stock_value, valuation_rate,
					creation, modified, owner, modified_by)
				values {}
				on duplicate key update actual_qty = actual_qty + values(actual_qty),
					stock_value = stock_value + values(stock_value)""".format(
					", ".join(
						["(%s, %s, %s, %s, %s, %s, %s, %s, 'Administrator', 'Administrator')"] * len(part)
					)
				),
				[value for row in part for value in row],
			)
		self.totals = {}
