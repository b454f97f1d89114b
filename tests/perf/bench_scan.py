"""Server time of one UDI scan call on a site with the demo data.

Run from the bench's sites folder with the bench's Python:
    ../env/bin/python /path/to/checkout/tests/perf/bench_scan.py --site md-demo.localhost [--scans 2000]
        [--url http://localhost:8000 --user Administrator --password admin]

In process it times `medical_devices.udi.scanning.scan_barcode` (parse, DI lookup, batch lookup or creation,
item info) on the demo DIs: 90 % of scans hit a batch already on file, 10 % bring a new lot and create its batch.
Everything is rolled back at the end. With --url it also times the same call over HTTP against a running server
(request to response, one connection, the way the desk calls it); those batches stay on the site.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def demo_scans(count: int, rng: random.Random) -> list[str]:
	import frappe

	from medical_devices.demo import DEVICE_IDENTIFIERS

	codes = []
	gs1 = [(item, di) for item, agency, di, *_ in DEVICE_IDENTIFIERS if agency == "GS1"]
	batches = {
		item: frappe.get_all("Batch", filters={"item": item}, fields=["batch_id", "expiry_date"])
		for item, _ in gs1
	}
	for index in range(count):
		item, di = rng.choice(gs1)
		known = batches[item]
		if known and rng.random() < 0.9:
			batch = rng.choice(known)
			lot, expiry = batch.batch_id, batch.expiry_date
		else:
			lot, expiry = (
				f"BENCH{index:06d}",
				datetime.date.today() + datetime.timedelta(days=rng.randint(90, 900)),
			)
		expiry_text = f"17{expiry:%y%m%d}" if expiry else ""
		codes.append(f"]d201{di}{expiry_text}10{lot}")
	return codes


def percentile(values: list[float], fraction: float) -> float:
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def report(label: str, seconds: list[float]):
	ms = [s * 1000 for s in seconds]
	print(
		f"{label:<28} n={len(ms):5d}  median {statistics.median(ms):6.2f} ms  p95 {percentile(ms, 0.95):6.2f} ms"
		f"  max {max(ms):7.2f} ms"
	)


def main():
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", required=True)
	parser.add_argument("--scans", type=int, default=2000)
	parser.add_argument("--seed", type=int, default=20261128)
	parser.add_argument("--url")
	parser.add_argument("--user", default="Administrator")
	parser.add_argument("--password", default="admin")
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	from medical_devices.udi.scanning import scan_barcode

	rng = random.Random(args.seed)
	codes = demo_scans(args.scans, rng)
	company = frappe.db.get_single_value("Global Defaults", "default_company")
	ctx = {"company": company}
	for code in codes[:50]:
		scan_barcode(code, ctx)  # warm caches, as a running server has them
	timings = []
	for code in codes:
		start = time.perf_counter()
		scan_barcode(code, ctx)
		timings.append(time.perf_counter() - start)
	frappe.db.rollback()
	print(f"site {args.site}, {args.scans} scans of demo GS1 DIs (90 % known batches, 10 % new lots)")
	report("in process (server time)", timings)

	if args.url:
		import requests

		session = requests.Session()
		session.post(
			f"{args.url}/api/method/login", data={"usr": args.user, "pwd": args.password}
		).raise_for_status()
		http_codes = demo_scans(min(args.scans, 500), rng)
		http = []
		for code in http_codes:
			start = time.perf_counter()
			response = session.post(
				f"{args.url}/api/method/erpnext.stock.utils.scan_barcode",
				data={"search_value": code, "ctx": frappe.as_json(ctx)},
			)
			http.append(time.perf_counter() - start)
			response.raise_for_status()
		report("over HTTP (request→response)", http)
	frappe.destroy()


if __name__ == "__main__":
	main()
