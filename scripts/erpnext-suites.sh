#!/usr/bin/env bash
# ERPNext's own test suites on a site with medical_devices installed: evidence that our rules bind medical-device
# items only. Usage: ./scripts/erpnext-suites.sh [DocType ...] (default: the stock doctypes the app touches).
# Not part of ./scripts/test.sh: the full list takes long. Like ERPNext's own CI, it installs the payments app,
# whose Payment Gateway ERPNext's test records link to (MD_PAYMENTS_SOURCE overrides where it comes from).
# MD_SUITE_CONTROL=1 runs the same suites on a site without medical_devices: the control that tells a failure of
# ours from one ERPNext's suites have offline anyway.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
started=$SECONDS
: "${MD_PAYMENTS_SOURCE:=https://github.com/frappe/payments}"
: "${MD_PAYMENTS_BRANCH:=version-15}"
DOCTYPES=("$@")
[ ${#DOCTYPES[@]} -gt 0 ] || DOCTYPES=("Batch" "Serial No" "Item" "Purchase Receipt" "Delivery Note" "Stock Entry" "Stock Reconciliation" "Pick List")

prepare_bench
if [ ! -f "$MD_BENCH_DIR/apps/payments/payments/__init__.py" ]; then
	say "getting the payments app from $MD_PAYMENTS_SOURCE ($MD_PAYMENTS_BRANCH)"
	trust_git_source "$MD_PAYMENTS_SOURCE"
	bench get-app --branch "$MD_PAYMENTS_BRANCH" --skip-assets payments "$MD_PAYMENTS_SOURCE"
fi

control=${MD_SUITE_CONTROL:-0}
if [ "$control" = 1 ]; then
	site=${MD_SUITE_SITE:-md-control.localhost}
	label="without medical_devices (control)"
else
	site=${MD_SUITE_SITE:-md-erpnext-suites.localhost}
	label="with medical_devices installed"
fi
say "creating the throwaway site $site with ERPNext and payments, $label"
new_site "$site" >/dev/null
bench --site "$site" install-app payments >/dev/null
if [ "$control" = 1 ]; then
	# what our before_tests hook does on the other site, so that both see the same offline exchange rates
	# (bench execute refuses a module of an app the site does not have: insert them through frappe.client)
	as_bench "$MD_BENCH_DIR/env/bin/python" -c '
import json
from medical_devices.testing import OFFLINE_EXCHANGE_RATES, RATES_DATE
for (a, b), rate in OFFLINE_EXCHANGE_RATES.items():
	print(json.dumps({"doc": {"doctype": "Currency Exchange", "date": RATES_DATE, "from_currency": a,
		"to_currency": b, "exchange_rate": rate, "for_buying": 1, "for_selling": 1}}))' |
		while read -r kwargs; do bench --site "$site" execute frappe.client.insert --kwargs "$kwargs" >/dev/null; done
else
	bench --site "$site" install-app medical_devices >/dev/null
fi
bench --site "$site" set-config allow_tests true >/dev/null

trap - ERR
set +e
passed=0 failed=0 failing=()
for doctype in "${DOCTYPES[@]}"; do
	log="$MD_BENCH_DIR/logs/md-erpnext-suite-${doctype// /-}.log"
	as_bench bash -c '"$0" --site "$1" run-tests --doctype "$2" >"$3" 2>&1' "$MD_TOOLS/bin/bench" "$site" "$doctype" "$log"
	ran=$(as_bench grep -Eo '^Ran [0-9]+ tests?' "$log" | grep -Eo '[0-9]+' || echo 0)
	bad=$(as_bench grep -Eo '^FAILED \((failures|errors)=[0-9]+(, (failures|errors)=[0-9]+)?' "$log" | grep -Eo '[0-9]+' | paste -sd+ | bc 2>/dev/null || echo 0)
	bad=${bad:-0}
	if as_bench grep -q '^OK' "$log"; then
		say "$doctype: $ran tests OK"
	else
		[ "$bad" -gt 0 ] || bad=1
		warn "$doctype: $bad of $ran failed or errored (log: $log)"
		failing+=("$doctype")
	fi
	passed=$((passed + ran - bad)) failed=$((failed + bad))
done
say "ERPNext suites $label, $((SECONDS - started)) s: ${DOCTYPES[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
