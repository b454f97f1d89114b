#!/usr/bin/env bash
# Command 2: the whole test suite. Unit tests first, then integration tests against a fresh throwaway site,
# then a browser smoke test of the desk. Creates the bench if it is missing (see scripts/lib.sh).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
started=$SECONDS

prepare_bench chromium chromium-driver
ensure_assets

MD_SITE=${MD_TEST_SITE:-md-test.localhost}
say "creating the throwaway test site $MD_SITE"
new_site "$MD_SITE" >/dev/null
bench --site "$MD_SITE" install-app medical_devices >/dev/null
say "bench and site ready in $((SECONDS - started)) s; running pytest"

artifacts="$MD_BENCH_DIR/logs/md-tests"
as_bench mkdir -p "$artifacts"
trap - ERR
set +e
as_bench env -C "$MD_BENCH_DIR/sites" MD_SITE="$MD_SITE" MD_SITES_PATH="$MD_BENCH_DIR/sites" \
	MD_ADMIN_PASSWORD="${MD_ADMIN_PASSWORD:-admin}" MD_ARTIFACTS="$artifacts" PYTHONDONTWRITEBYTECODE=1 \
	MD_DB_ADMIN_USER="$MD_DB_ADMIN_USER" MD_DB_ADMIN_PASSWORD="$MD_DB_ADMIN_PASSWORD" \
	"$MD_BENCH_DIR/env/bin/python" -m pytest -p no:cacheprovider --rootdir "$APP_SOURCE" \
	"$APP_SOURCE/tests/unit" "$APP_SOURCE/tests/test_patches.py" \
	"$APP_SOURCE/tests/integration" "$APP_SOURCE/tests/e2e" "$@"
rc=$?
say "tests finished with exit code $rc in $((SECONDS - started)) s (screenshots and server log: $artifacts)"
exit $rc
