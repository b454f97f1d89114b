"""Parser throughput on realistic scans: `python tests/perf/bench_udi_parser.py [--codes N] [--seed S]`.

Generates N mixed codes (GS1 in raw, symbology-prefixed, HRI and Digital Link forms; HIBCC; MA; AHM), parses
them all with `parse_udi`, and times our GS1 path against plain `biip.parse` on the same GS1 codes in the same
run. Prints one table; docs/performance.md keeps the figures.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import biip

from medical_devices.udi import parse_udi
from tests.unit.udi_codes import GS, gs1_element_string, gs1_hri, gtin14, hibcc_concatenated, yymmdd

ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def random_text(rng, low, high):
	return "".join(rng.choice(ALNUM) for _ in range(rng.randint(low, high)))


def random_date(rng):
	return datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 3650))


def gs1_code(rng):
	gtin = gtin14("".join(rng.choice("0123456789") for _ in range(13)))
	lot, serial = random_text(rng, 3, 12), rng.choice([None, random_text(rng, 4, 16)])
	expiry, production = random_date(rng), rng.choice([None, random_date(rng)])
	form = rng.random()
	if form < 0.55:
		return gs1_element_string(gtin, lot, serial, expiry, production)
	if form < 0.8:
		return "]d2" + gs1_element_string(gtin, lot, serial, expiry, production) + "\r\n"
	if form < 0.95:
		return gs1_hri(gtin, lot, serial, expiry, production)
	return f"https://id.gs1.org/01/{gtin}/10/{lot}?17={yymmdd(expiry)}"


def other_code(rng):
	kind = rng.random()
	if kind < 0.5:
		lic = rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + random_text(rng, 3, 3)
		return hibcc_concatenated(
			lic, random_text(rng, 4, 12), str(rng.randint(0, 9)), random_text(rng, 3, 10), random_date(rng)
		)
	if kind < 0.85:
		return f"MA.156.M0.{rng.randint(100000, 999999)}.{random_text(rng, 8, 10)}.L{random_text(rng, 4, 10)}.E{yymmdd(random_date(rng))}"
	return f"MF{random_text(rng, 8, 13)}{GS}BA{random_text(rng, 4, 10)}{GS}ED{yymmdd(random_date(rng))}"


def timed(function, codes, repeats):
	runs = []
	for _ in range(repeats):
		start = time.perf_counter()
		for code in codes:
			function(code)
		runs.append(time.perf_counter() - start)
	return statistics.median(runs)


def main():
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--codes", type=int, default=100_000)
	parser.add_argument("--seed", type=int, default=20261128)
	parser.add_argument("--repeats", type=int, default=3)
	args = parser.parse_args()
	rng = random.Random(args.seed)
	codes = [gs1_code(rng) if rng.random() < 0.7 else other_code(rng) for _ in range(args.codes)]
	gs1_codes = [code for code in codes if code[0] in "0(h]"]
	# biip.parse does not strip the scanner's line ending; give it the same code without it.
	biip_codes = [code.rstrip("\r\n") for code in gs1_codes]

	for code in codes[:2000]:
		parse_udi(code)  # warm up, and fail loudly if the generator ever makes an invalid code

	mixed = timed(parse_udi, codes, args.repeats)
	ours = timed(parse_udi, gs1_codes, args.repeats)
	theirs = timed(biip.parse, biip_codes, args.repeats)

	tracemalloc.start()
	for code in codes[:10_000]:
		parse_udi(code)
	_, peak = tracemalloc.get_traced_memory()
	tracemalloc.stop()

	print(
		f"python {sys.version.split()[0]}, biip {biip.__version__}, {len(codes)} codes ({len(gs1_codes)} GS1), median of {args.repeats}"
	)
	print(
		f"parse_udi, mixed codes     : {mixed:7.2f} s  {len(codes) / mixed:9,.0f} codes/s  {mixed / len(codes) * 1e6:6.1f} µs/code"
	)
	print(f"parse_udi, GS1 codes       : {ours:7.2f} s  {len(gs1_codes) / ours:9,.0f} codes/s")
	print(f"biip.parse, same GS1 codes : {theirs:7.2f} s  {len(gs1_codes) / theirs:9,.0f} codes/s")
	print(f"ratio ours / biip          : {ours / theirs:7.2f} (target <= 1.30)")
	print(f"peak traced memory, 10k codes parsed: {peak / 1024:,.0f} KiB")
	return 0 if ours / theirs <= 1.3 else 1


if __name__ == "__main__":
	sys.exit(main())
