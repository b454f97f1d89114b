#!/usr/bin/env bash
# Command 1: a running desk with demo data. Safe to run again: it reuses the bench, the site and the server.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
started=$SECONDS
MD_DEMO_SITE=${MD_DEMO_SITE:-md-demo.localhost}
MD_PORT=${MD_PORT:-8000}
MD_SOCKETIO_PORT=${MD_SOCKETIO_PORT:-9000}

server_is_ours() {
	local pid_file="$MD_BENCH_DIR/logs/md-demo-server.pid"
	[ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null &&
		curl -fs "http://127.0.0.1:$MD_PORT/api/method/ping" | grep -q pong
}

prepare_bench
if ! server_is_ours; then
	tcp_open 127.0.0.1 "$MD_PORT" && die "port $MD_PORT is already in use by another program" \
		"stop that program, or choose another port: MD_PORT=8001 $0"
	tcp_open 127.0.0.1 "$MD_SOCKETIO_PORT" && die "port $MD_SOCKETIO_PORT (realtime) is already in use by another program" \
		"stop that program, or choose another port: MD_SOCKETIO_PORT=9001 $0"
fi

if ! site_exists "$MD_DEMO_SITE"; then
	say "creating site $MD_DEMO_SITE (about a minute)"
	new_site "$MD_DEMO_SITE" >/dev/null
fi
# Migrate only when the app's schema or setup changed since the last run (a fresh install is up to date).
fingerprint=$(cd "$APP_SOURCE" && find medical_devices -name '*.json' -o -name 'patches.txt' -o -path '*/constants/*.py' |
	sort | xargs cat | sha1sum | cut -c1-40)
stamp="$MD_BENCH_DIR/sites/$MD_DEMO_SITE/.md-migrated"
if ! bench --site "$MD_DEMO_SITE" list-apps 2>/dev/null | grep -q '^medical_devices'; then
	bench --site "$MD_DEMO_SITE" install-app medical_devices >/dev/null
	printf '%s' "$fingerprint" | as_bench tee "$stamp" >/dev/null
fi
if [ "$(as_bench cat "$stamp" 2>/dev/null || true)" != "$fingerprint" ]; then
	say "migrating $MD_DEMO_SITE"
	bench --site "$MD_DEMO_SITE" migrate >/dev/null
	printf '%s' "$fingerprint" | as_bench tee "$stamp" >/dev/null
fi
say "loading demo data"
bench --site "$MD_DEMO_SITE" md-demo
bench use "$MD_DEMO_SITE" >/dev/null
ensure_assets

if server_is_ours; then
	say "the server is already running"
else
	say "starting the server on port $MD_PORT"
	as_bench sed -i -E "s/^(web:.*--port )[0-9]+/\\1$MD_PORT/" "$MD_BENCH_DIR/Procfile"
	bench set-config -g -p webserver_port "$MD_PORT" >/dev/null
	bench set-config -g -p socketio_port "$MD_SOCKETIO_PORT" >/dev/null
	as_bench mkdir -p "$MD_BENCH_DIR/logs"
	as_bench setsid bash -c "nohup '$MD_TOOLS/bin/bench' start >'$MD_BENCH_DIR/logs/md-demo-server.log' 2>&1 & echo \$! >'$MD_BENCH_DIR/logs/md-demo-server.pid'"
	for _ in $(seq 60); do server_is_ours && break; sleep 1; done
	server_is_ours || die "the server did not come up" "see $MD_BENCH_DIR/logs/md-demo-server.log"
fi

cat <<MSG

  Medical Devices demo is ready ($((SECONDS - started)) s)
  URL:    http://localhost:$MD_PORT/app/medical-devices   (site $MD_DEMO_SITE)
  Login:  Administrator / ${MD_ADMIN_PASSWORD:-admin}
          ra@md-demo.localhost / md-demo-2026   (regulatory affairs, desk in Chinese)
  Stop:   kill \$(cat $MD_BENCH_DIR/logs/md-demo-server.pid)

MSG
