# Sourced by the install scripts: install Debian packages with apt-get, as root or
# through sudo, and say plainly what to do when neither is possible.
apt_install() {
  local runner=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      runner=(sudo)
    else
      echo "$(basename "$0"): installing $* needs root (apt-get); run as root, or install them yourself" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${runner[@]}" apt-get update -qq
  "${runner[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  # Packaged servers (prometheus, redis) may start a service of their own; the tests
  # start their own instances on their own ports.
  if command -v systemctl >/dev/null 2>&1; then
    for service in prometheus redis-server; do
      if systemctl is-active --quiet "$service" 2>/dev/null; then
        "${runner[@]}" systemctl stop "$service" || true
        "${runner[@]}" systemctl disable "$service" >/dev/null 2>&1 || true
      fi
    done
  fi
}
