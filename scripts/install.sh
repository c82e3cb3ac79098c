#!/usr/bin/env bash
# Installs FormFlow like a service (Debian, as root): the binary, the pipelines, a configuration in
# /etc/formflow, a systemd unit for `formflow watch` and an example cron line for `formflow run`.
#
#   scripts/install.sh                      build (release) and install under /usr/local and /etc
#   scripts/install.sh --root DIR           install into DIR/usr/local, DIR/etc, DIR/var (a test, a package)
#   scripts/install.sh --binary PATH        install this binary instead of building one
#
# An existing /etc/formflow/formflow.yaml is kept (the new one is written beside it as formflow.yaml.new).
set -euo pipefail
cd "$(dirname "$0")/.."
root=""
binary=""
while (($#)); do
  case "$1" in
    --root) root="$2"; shift 2 ;;
    --binary) binary="$2"; shift 2 ;;
    *) echo "install.sh: unknown option $1 (--root DIR, --binary PATH)" >&2; exit 64 ;;
  esac
done
if [ -z "$binary" ]; then
  scripts/install-deps.sh
  swift build -c release --product formflow
  binary=.build/release/formflow
fi
prefix="$root/usr/local"
etc="$root/etc/formflow"
var="$root/var/lib/formflow"
install -d "$prefix/bin" "$prefix/share/formflow" "$etc" "$var/inbox" "$var/out"
install -m 0755 "$binary" "$prefix/bin/formflow"
rm -rf "$prefix/share/formflow/Pipelines"
cp -R Pipelines "$prefix/share/formflow/Pipelines"

config="$etc/formflow.yaml"
target="$config"
[ -e "$config" ] && target="$config.new"
# The shipped settings with absolute paths for an installed service.
sed -e "s|^pipeline: .*|pipeline: $prefix/share/formflow/Pipelines/default.yaml|" \
    -e "s|^inbox: .*|inbox: $var/inbox|" \
    -e "s|^out: .*|out: $var/out|" \
    config/formflow.yaml > "$target"

units="$root/etc/systemd/system"
install -d "$units" "$root/etc/cron.d"
cat > "$units/formflow-watch.service" <<UNIT
[Unit]
Description=FormFlow: decide scanned claims and invoices as they arrive
After=network-online.target

[Service]
ExecStart=$prefix/bin/formflow watch --config $config
Environment=OMP_THREAD_LIMIT=1
# The described glyph prototypes, kept between starts (a service has no home to keep them in).
CacheDirectory=formflow
Environment=FORMFLOW_CACHE_DIR=/var/cache/formflow
# SIGTERM: stop taking files, finish those in progress, exit 0.
KillSignal=SIGTERM
TimeoutStopSec=120
Restart=on-failure
WorkingDirectory=/

[Install]
WantedBy=multi-user.target
UNIT
# Operator review on loopback (put a TLS proxy in front, and add --secure-cookies, for other machines).
cat > "$units/formflow-serve.service" <<UNIT
[Unit]
Description=FormFlow: operator review of exceptions in the browser
After=network-online.target

[Service]
ExecStart=$prefix/bin/formflow serve --config $config --users $etc/users.json --host 127.0.0.1 --port 8080
KillSignal=SIGTERM
Restart=on-failure
WorkingDirectory=/

[Install]
WantedBy=multi-user.target
UNIT
cat > "$root/etc/cron.d/formflow.example" <<CRON
# Nightly batch at 02:00 (rename to /etc/cron.d/formflow to enable). Exit codes: 0 routed, 74 storage,
# 75 another run holds the lock, 78 configuration. Use either this or the formflow-watch service.
0 2 * * * root $prefix/bin/formflow run --config $config --quiet >> /var/log/formflow.log 2>&1
CRON
echo "installed: $prefix/bin/formflow, $prefix/share/formflow/Pipelines, $target"
echo "service:   systemctl enable --now formflow-watch   (or the cron line in $root/etc/cron.d/formflow.example)"
echo "review:    formflow users add NAME --role operator --users $etc/users.json --password-stdin; systemctl enable --now formflow-serve"
