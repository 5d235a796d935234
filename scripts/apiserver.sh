#!/usr/bin/env bash
# Real-API-server test tier for podnet (DESIGN.md section 5, reference/java-stack.md section 4).
#
#   scripts/apiserver.sh build
#       Build kube-apiserver and kube-controller-manager v1.20.2 from Debian bookworm's
#       `kubernetes` source package with Debian's Go, once per machine, into
#       ${PODNET_K8S_CACHE:-/var/cache/podnet/k8s-v1.20.2}. Returns at once when the cache is
#       present and working. Installs golang-go, rsync and etcd-server with apt-get.
#   scripts/apiserver.sh start DIR [--controller-manager] [--controllers LIST] [--watch-pid PID]
#       Start etcd and kube-apiserver on free loopback ports (20000-31999, below the ephemeral
#       range), data and logs in DIR; wait for /readyz. Writes DIR/kubeconfig (token devtoken,
#       insecure-skip-tls-verify), DIR/env (sourceable: PODNET_APISERVER_URL, ..., KUBECONFIG),
#       DIR/*.pid and DIR/*.log. Prints PODNET_APISERVER_URL=... on stdout.
#       A second token, limitedtoken (user limited, no group, no RBAC binding), is accepted too.
#       --controller-manager: also kube-controller-manager, running only the controllers in
#       LIST (default nodeipam: --allocate-node-cidrs --cluster-cidr=10.244.0.0/16, mask /24);
#       start returns once each listed controller logged 'Started "<name>"'.
#       --watch-pid PID: stop everything when process PID exits (e.g. a test JVM killed hard).
#   scripts/apiserver.sh stop DIR
#       Stop what `start DIR` started. Idempotent.
#   scripts/apiserver.sh status DIR
#       Exit 0 if the apiserver started into DIR answers /readyz, else 1.
#
# Exit codes:
#   0  success
#   1  failure (start/stop went wrong on a machine that has the binaries)
#   2  usage error
#   3  skipped: this machine cannot provide the server (not Debian/apt, not root, build failed,
#      binaries missing); one line "PODNET-IT-SKIPPED: <why>" is printed on stderr (and on
#      stdout too when stdout goes elsewhere, e.g. into $(...)).
#
# Environment:
#   PODNET_K8S_CACHE     cache directory of the built binaries (default /var/cache/podnet/k8s-v1.20.2)
#   PODNET_K8S_NO_BUILD  if "1"/"true": never build; a missing cache is a skip (exit 3)
#   PODNET_START_TIMEOUT seconds to wait for readiness (default 60)

set -euo pipefail

readonly K8S_VERSION="v1.20.2"
readonly CACHE="${PODNET_K8S_CACHE:-/var/cache/podnet/k8s-${K8S_VERSION}}"
readonly START_TIMEOUT="${PODNET_START_TIMEOUT:-60}"
readonly TOKEN="devtoken"
readonly LIMITED_TOKEN="limitedtoken"
readonly EXIT_FAIL=1
readonly EXIT_USAGE=2
readonly EXIT_SKIP=3

log() { printf 'apiserver.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit "${EXIT_FAIL}"; }

skip() {
  local line="PODNET-IT-SKIPPED: $*"
  # Once on stderr; also on stdout when that goes elsewhere (so $(...) and 2>/dev/null still see it).
  printf '%s\n' "${line}" >&2
  if [[ ! /dev/stdout -ef /dev/stderr ]]; then
    printf '%s\n' "${line}"
  fi
  exit "${EXIT_SKIP}"
}

usage() {
  sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit "${EXIT_USAGE}"
}

is_true() { [[ "${1:-}" == "1" || "${1:-}" == "true" ]]; }

# ---------------------------------------------------------------------------------- build

# True when the cache holds both binaries and they report the expected version.
cache_ok() {
  [[ -x "${CACHE}/bin/kube-apiserver" && -x "${CACHE}/bin/kube-controller-manager" && -f "${CACHE}/etcd.path" ]] || return 1
  local etcd
  etcd="$(<"${CACHE}/etcd.path")"
  [[ -x "${etcd}" ]] || return 1
  "${CACHE}/bin/kube-apiserver" --version 2>/dev/null | grep -qx "Kubernetes ${K8S_VERSION}" || return 1
  "${CACHE}/bin/kube-controller-manager" --version 2>/dev/null | grep -qx "Kubernetes ${K8S_VERSION}" || return 1
  "${etcd}" --version >/dev/null 2>&1 || return 1
}

# Adds a deb-src entry for bookworm main unless one is configured already.
ensure_deb_src() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "${f}" ]] || continue
    # one-line format: "deb-src <uri> bookworm main"
    if grep -Eq '^[[:space:]]*deb-src[[:space:]].*[[:space:]]bookworm[[:space:]].*main' "${f}"; then
      return 0
    fi
    # deb822 format: a stanza with "Types: ... deb-src" and "Suites: ... bookworm"
    if awk 'BEGIN{RS=""} /Types:[^\n]*deb-src/ && /Suites:[^\n]*bookworm([ \t\n]|$)/ && /Components:[^\n]*main/ {found=1} END{exit !found}' "${f}"; then
      return 0
    fi
  done
  log "adding deb-src for bookworm main: /etc/apt/sources.list.d/podnet-bookworm-src.sources"
  cat >/etc/apt/sources.list.d/podnet-bookworm-src.sources <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

cmd_build() {
  [[ $# -eq 0 ]] || usage
  if cache_ok; then
    log "cache ok: ${CACHE} (kube-apiserver, kube-controller-manager ${K8S_VERSION}, etcd $(<"${CACHE}/etcd.path"))"
    return 0
  fi
  if is_true "${PODNET_K8S_NO_BUILD:-}"; then
    skip "no working kube-apiserver ${K8S_VERSION} in ${CACHE} and PODNET_K8S_NO_BUILD is set; run scripts/apiserver.sh build"
  fi
  if [[ ! -f /etc/debian_version ]] || ! command -v apt-get >/dev/null 2>&1; then
    skip "cannot build kube-apiserver ${K8S_VERSION}: not a Debian system with apt-get"
  fi
  [[ "$(id -u)" -eq 0 ]] || skip "cannot build kube-apiserver ${K8S_VERSION}: needs root for apt-get (or a prebuilt cache in ${CACHE})"
  command -v flock >/dev/null 2>&1 || skip "cannot build kube-apiserver ${K8S_VERSION}: flock (util-linux) missing"

  local parent
  parent="$(dirname "${CACHE}")"
  mkdir -p "${parent}" || skip "cannot create ${parent}"

  # One build per machine at a time; a second caller waits and then finds the cache.
  exec 9>"${parent}/.$(basename "${CACHE}").lock"
  if ! flock -n 9; then
    log "another build holds the lock; waiting for it"
    flock 9
  fi
  if cache_ok; then
    log "cache ok after waiting: ${CACHE}"
    return 0
  fi

  local started=${SECONDS}
  local work
  # The staging dir sits beside the cache so the final mv is a rename on one filesystem.
  work="$(mktemp -d "${parent}/.build-$(basename "${CACHE}").XXXXXX")"
  # shellcheck disable=SC2064  # expand now: the trap must remove this very directory
  trap "rm -rf '${work}'" EXIT

  # A separate bash so that `set -e` holds inside the build (it is ignored under `if !`).
  if ! bash "$0" __build-into "${work}" >"${parent}/build.log" 2>&1; then
    tail -n 40 "${parent}/build.log" >&2 || true
    skip "building kube-apiserver ${K8S_VERSION} failed (log: ${parent}/build.log)"
  fi

  rm -rf "${CACHE}.old"
  if [[ -e "${CACHE}" ]]; then
    mv "${CACHE}" "${CACHE}.old"
  fi
  mv "${work}/out" "${CACHE}"
  rm -rf "${CACHE}.old"
  cache_ok || skip "built binaries in ${CACHE} do not report ${K8S_VERSION} (log: ${parent}/build.log)"
  log "built kube-apiserver and kube-controller-manager ${K8S_VERSION} into ${CACHE} in $((SECONDS - started)) s (log: ${parent}/build.log)"
}

# Internal (`__build-into WORKDIR`): the build proper, output goes to build.log.
build_into() {
  [[ $# -eq 1 ]] || usage
  local work="$1"
  step() { printf '[%s] %s\n' "$(date +%T)" "$*"; }

  step "apt-get install golang-go rsync etcd-server"
  export DEBIAN_FRONTEND=noninteractive
  ensure_deb_src
  apt-get update -q
  apt-get install -y -q --no-install-recommends golang-go rsync etcd-server make dpkg-dev ca-certificates

  step "apt-get source --download-only kubernetes"
  mkdir -p "${work}/src" "${work}/out/bin"
  cd "${work}/src"
  apt-get source --download-only kubernetes
  local orig
  orig="$(find . -maxdepth 1 -name 'kubernetes_*.orig.tar.*' | head -n 1)"
  [[ -n "${orig}" ]] || { step "no orig tarball downloaded"; ls -la; return 1; }
  step "unpacking ${orig}"
  mkdir tree
  tar -xf "${orig}" -C tree
  local top
  top="$(find tree -mindepth 1 -maxdepth 1 -type d | head -n 1)"
  if [[ -f tree/Makefile ]]; then top=tree; fi
  [[ -f "${top}/cmd/kube-apiserver/apiserver.go" ]] || { step "unexpected tarball layout"; ls -la tree; return 1; }

  step "make WHAT=cmd/kube-apiserver cmd/kube-controller-manager with $(go version)"
  cd "${top}"
  export GOCACHE="${work}/gocache" GOPATH="${work}/gopath" GOPROXY=off GOFLAGS=-mod=vendor
  KUBE_GIT_VERSION="${K8S_VERSION}" KUBE_GIT_TREE_STATE=clean \
    make WHAT="cmd/kube-apiserver cmd/kube-controller-manager"
  install -m 0755 _output/bin/kube-apiserver _output/bin/kube-controller-manager "${work}/out/bin/"
  command -v etcd >"${work}/out/etcd.path"
  {
    echo "kube-apiserver and kube-controller-manager ${K8S_VERSION}"
    echo "built $(date -u +%FT%TZ) from Debian source ${orig#./} with $(go version)"
    echo "etcd: $(etcd --version | head -n 1) at $(<"${work}/out/etcd.path")"
  } >"${work}/out/BUILD-INFO"
  step "done"
}

# ---------------------------------------------------------------------------------- start

# Sets REPLY to a TCP port no socket uses, below the ephemeral range (so outgoing connections
# do not take it either). Ports in use come from /proc/net/tcp{,6}; callers retry on a bind race.
declare -A TAKEN_PORTS=()
free_port() {
  local hex port i
  while read -r hex; do
    if [[ -n "${hex}" ]]; then TAKEN_PORTS[$((16#${hex}))]=1; fi
  done < <(awk 'FNR>1 && $2 ~ /:/ {split($2,a,":"); print a[2]}' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
  for ((i = 0; i < 500; i++)); do
    port=$((20000 + RANDOM % 12000))
    if [[ -z "${TAKEN_PORTS[${port}]:-}" ]]; then
      TAKEN_PORTS[${port}]=1
      REPLY="${port}"
      return 0
    fi
  done
  die "no free port found"
}

# Starts a daemon detached from this shell (own session, no inherited stdio), records its pid.
spawn() {
  local name="$1" dir="$2"
  shift 2
  setsid "$@" </dev/null >"${dir}/${name}.log" 2>&1 &
  printf '%s\n' "$!" >"${dir}/${name}.pid"
}

alive() { [[ -f "$1" ]] && kill -0 "$(<"$1")" 2>/dev/null; }

fail_start() {
  local dir="$1" name="$2" msg="$3"
  log "${msg}; last lines of ${dir}/${name}.log:"
  tail -n 30 "${dir}/${name}.log" >&2 || true
  cmd_stop "${dir}" || true
  exit "${EXIT_FAIL}"
}

https_ok() { curl -sfk --max-time 2 -H "Authorization: Bearer ${TOKEN}" "$1" >/dev/null 2>&1; }

cmd_start() {
  local dir="" with_kcm=false controllers="nodeipam" watch_pid=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --controller-manager) with_kcm=true ;;
      --controllers) [[ $# -ge 2 ]] || usage; controllers="$2"; shift ;;
      --controllers=*) controllers="${1#*=}" ;;
      --watch-pid) [[ $# -ge 2 ]] || usage; watch_pid="$2"; shift ;;
      --watch-pid=*) watch_pid="${1#*=}" ;;
      -*) usage ;;
      *) [[ -z "${dir}" ]] || usage; dir="$1" ;;
    esac
    shift
  done
  [[ -n "${dir}" ]] || usage
  cache_ok || skip "no working kube-apiserver ${K8S_VERSION} in ${CACHE}; run scripts/apiserver.sh build"
  command -v openssl >/dev/null 2>&1 || skip "openssl missing (needed for the service-account key)"
  command -v curl >/dev/null 2>&1 || skip "curl missing (needed for the readiness probe)"

  mkdir -p "${dir}"
  dir="$(cd "${dir}" && pwd)"
  if alive "${dir}/apiserver.pid" || alive "${dir}/etcd.pid"; then
    die "${dir} already has a running server; stop it first"
  fi
  local etcd
  etcd="$(<"${CACHE}/etcd.path")"
  local began=${SECONDS}

  # Keys and tokens.
  mkdir -p "${dir}/pki" "${dir}/etcd-data"
  chmod 700 "${dir}/pki" "${dir}/etcd-data"
  openssl genrsa -out "${dir}/pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "${dir}/pki/sa.key" -pubout -out "${dir}/pki/sa.pub" 2>/dev/null
  printf '%s,admin,1,"system:masters"\n' "${TOKEN}" >"${dir}/pki/tokens.csv"
  # A second user with no group and no binding: RBAC gives it only what system:authenticated gets.
  printf '%s,limited,2\n' "${LIMITED_TOKEN}" >>"${dir}/pki/tokens.csv"

  # etcd: up to three attempts in case a chosen port was taken in the meantime.
  local attempt etcd_port peer_port ok=false
  for attempt in 1 2 3; do
    free_port; etcd_port="${REPLY}"
    free_port; peer_port="${REPLY}"
    spawn etcd "${dir}" "${etcd}" --name podnet --data-dir "${dir}/etcd-data" \
      --listen-client-urls "http://127.0.0.1:${etcd_port}" --advertise-client-urls "http://127.0.0.1:${etcd_port}" \
      --listen-peer-urls "http://127.0.0.1:${peer_port}" --initial-advertise-peer-urls "http://127.0.0.1:${peer_port}" \
      --initial-cluster "podnet=http://127.0.0.1:${peer_port}" \
      --unsafe-no-fsync --quota-backend-bytes 4294967296
    local i
    for ((i = 0; i < 100; i++)); do
      if curl -sf --max-time 1 "http://127.0.0.1:${etcd_port}/health" 2>/dev/null | grep -q '"health":"true"'; then
        ok=true
        break
      fi
      alive "${dir}/etcd.pid" || break
      sleep 0.1
    done
    [[ "${ok}" == true ]] && break
    if grep -q 'address already in use' "${dir}/etcd.log" 2>/dev/null; then
      log "etcd port race (attempt ${attempt}); retrying"
      kill "$(<"${dir}/etcd.pid")" 2>/dev/null || true
      continue
    fi
    fail_start "${dir}" etcd "etcd did not become healthy"
  done
  [[ "${ok}" == true ]] || fail_start "${dir}" etcd "etcd could not bind a port"

  # kube-apiserver.
  local port url deadline
  ok=false
  for attempt in 1 2 3; do
    free_port; port="${REPLY}"
    url="https://127.0.0.1:${port}"
    spawn apiserver "${dir}" "${CACHE}/bin/kube-apiserver" \
      --etcd-servers="http://127.0.0.1:${etcd_port}" \
      --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="${port}" \
      --cert-dir="${dir}/pki" \
      --service-account-issuer=https://kubernetes.default.svc \
      --service-account-key-file="${dir}/pki/sa.pub" \
      --service-account-signing-key-file="${dir}/pki/sa.key" \
      --service-cluster-ip-range=10.96.0.0/16 \
      --authorization-mode=RBAC \
      --token-auth-file="${dir}/pki/tokens.csv" \
      --allow-privileged=true \
      --disable-admission-plugins=ServiceAccount
    deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
      if https_ok "${url}/readyz"; then ok=true; break; fi
      alive "${dir}/apiserver.pid" || break
      sleep 0.2
    done
    [[ "${ok}" == true ]] && break
    if grep -q 'address already in use' "${dir}/apiserver.log" 2>/dev/null; then
      log "apiserver port race (attempt ${attempt}); retrying"
      kill "$(<"${dir}/apiserver.pid")" 2>/dev/null || true
      continue
    fi
    if alive "${dir}/apiserver.pid"; then
      fail_start "${dir}" apiserver "kube-apiserver not ready at ${url}/readyz within ${START_TIMEOUT} s"
    fi
    fail_start "${dir}" apiserver "kube-apiserver exited during start"
  done
  [[ "${ok}" == true ]] || fail_start "${dir}" apiserver "kube-apiserver could not bind a port"

  cat >"${dir}/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: podnet-it
  cluster:
    server: ${url}
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: ${TOKEN}
contexts:
- name: podnet-it
  context:
    cluster: podnet-it
    user: admin
current-context: podnet-it
EOF
  chmod 600 "${dir}/kubeconfig"

  local kcm_port=""
  if [[ "${with_kcm}" == true ]]; then
    free_port; kcm_port="${REPLY}"
    # Cloud provider unset: node IPAM uses the RangeAllocator over --cluster-cidr.
    spawn controller-manager "${dir}" "${CACHE}/bin/kube-controller-manager" \
      --kubeconfig="${dir}/kubeconfig" \
      --bind-address=127.0.0.1 --secure-port="${kcm_port}" --port=0 \
      --leader-elect=false \
      --controllers="${controllers}" \
      --allocate-node-cidrs=true --cluster-cidr=10.244.0.0/16 --node-cidr-mask-size=24 \
      --service-cluster-ip-range=10.96.0.0/16 \
      --service-account-private-key-file="${dir}/pki/sa.key" \
      --use-service-account-credentials=false
    deadline=$((SECONDS + START_TIMEOUT))
    ok=false
    while ((SECONDS < deadline)); do
      if curl -sfk --max-time 2 "https://127.0.0.1:${kcm_port}/healthz" >/dev/null 2>&1; then ok=true; break; fi
      alive "${dir}/controller-manager.pid" || break
      sleep 0.2
    done
    [[ "${ok}" == true ]] || fail_start "${dir}" controller-manager "kube-controller-manager not healthy within ${START_TIMEOUT} s"
    # Healthy is not started: node IPAM, for one, first waits 10 s (its node-list poll interval).
    local c
    local -a wanted
    IFS=',' read -r -a wanted <<<"${controllers}"
    for c in "${wanted[@]}"; do
      [[ "${c}" == "*" || "${c}" == -* ]] && continue
      until grep -q "Started \"${c}\"" "${dir}/controller-manager.log" 2>/dev/null; do
        ((SECONDS < deadline)) || fail_start "${dir}" controller-manager "controller ${c} not started within ${START_TIMEOUT} s"
        alive "${dir}/controller-manager.pid" || fail_start "${dir}" controller-manager "kube-controller-manager exited"
        sleep 0.2
      done
    done
  fi

  cat >"${dir}/env" <<EOF
PODNET_APISERVER_URL=${url}
PODNET_APISERVER_PORT=${port}
PODNET_APISERVER_TOKEN=${TOKEN}
PODNET_ETCD_URL=http://127.0.0.1:${etcd_port}
PODNET_CONTROLLER_MANAGER_PORT=${kcm_port}
PODNET_CONTROLLER_MANAGER_CONTROLLERS=$([[ "${with_kcm}" == true ]] && printf '%s' "${controllers}")
PODNET_K8S_VERSION=${K8S_VERSION}
KUBECONFIG=${dir}/kubeconfig
EOF

  if [[ -n "${watch_pid}" ]]; then
    # Watchdog: stop the servers when the owner (e.g. a test JVM) is gone, however it ended.
    setsid bash "$(cd "$(dirname "$0")" && pwd)/$(basename "$0")" __watchdog "${watch_pid}" "${dir}" \
      </dev/null >"${dir}/watchdog.log" 2>&1 &
    printf '%s\n' "$!" >"${dir}/watchdog.pid"
  fi

  log "ready in $((SECONDS - began)) s: ${url} (etcd 127.0.0.1:${etcd_port}${kcm_port:+, controller-manager 127.0.0.1:${kcm_port} [${controllers}]})"
  printf 'PODNET_APISERVER_URL=%s\n' "${url}"
}

# Internal (`__watchdog PID DIR`): stops DIR's servers once process PID is gone.
watchdog() {
  [[ $# -eq 2 ]] || usage
  while kill -0 "$1" 2>/dev/null && [[ -f "$2/apiserver.pid" ]]; do
    sleep 2
  done
  if [[ -f "$2/apiserver.pid" ]]; then
    log "owner pid $1 is gone; stopping the servers in $2"
    cmd_stop "$2"
  fi
}

# ---------------------------------------------------------------------------------- stop

# Stops the process in pid file $1 if it is still the binary named $2 (pids get reused).
stop_pid() {
  local pidfile="$1" expect="$2" pid i
  [[ -f "${pidfile}" ]] || return 0
  pid="$(<"${pidfile}")"
  if [[ "${pid}" =~ ^[0-9]+$ ]] && kill -0 "${pid}" 2>/dev/null \
    && tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null | grep -q -- "${expect}"; then
    kill -TERM "${pid}" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "${pid}" 2>/dev/null; then
      log "${expect} (pid ${pid}) ignored SIGTERM for 10 s; sending SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
    fi
  fi
  rm -f "${pidfile}"
}

cmd_stop() {
  [[ $# -eq 1 ]] || usage
  local dir="$1"
  [[ -d "${dir}" ]] || return 0
  stop_pid "${dir}/controller-manager.pid" kube-controller-manager
  stop_pid "${dir}/apiserver.pid" kube-apiserver
  stop_pid "${dir}/etcd.pid" etcd
  # The watchdog exits by itself once apiserver.pid is gone; stop it unless it is us.
  if [[ -f "${dir}/watchdog.pid" && "$(<"${dir}/watchdog.pid")" != "$$" && "$(<"${dir}/watchdog.pid")" != "${PPID}" ]]; then
    stop_pid "${dir}/watchdog.pid" __watchdog
  fi
  rm -f "${dir}/watchdog.pid"
}

cmd_status() {
  [[ $# -eq 1 ]] || usage
  [[ -f "$1/env" ]] || exit "${EXIT_FAIL}"
  local url
  url="$(sed -n 's/^PODNET_APISERVER_URL=//p' "$1/env")"
  https_ok "${url}/readyz" || exit "${EXIT_FAIL}"
  printf 'PODNET_APISERVER_URL=%s\n' "${url}"
}

main() {
  [[ $# -ge 1 ]] || usage
  local cmd="$1"
  shift
  case "${cmd}" in
    build) cmd_build "$@" ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    __build-into) build_into "$@" ;;
    __watchdog) watchdog "$@" ;;
    -h | --help | help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage ;;
  esac
}

main "$@"
