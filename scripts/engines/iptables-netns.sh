#!/usr/bin/env bash
# Applies NAT rules the way the SigV4 sidecar's init container does, inside a
# PRIVATE network and mount namespace (never the host's tables), then opens
# real TCP connections as given uids and prints what answered.
#
# Usage (as root):
#   iptables-netns.sh [--caps net_admin[,net_raw]] [--run-writable 0|1] [--apply N]
#                     [--address IP/LEN]... [--listen NAME@IP:PORT]...
#                     [--probe UID:GID@IP:PORT]... [--save SAVE_BINARY]
#                     -- RESTORE_COMMAND...
#
#   --caps          capabilities the init container keeps (its whole bounding set)
#   --run-writable  1: /run is a writable tmpfs (the legacy backend's lock volume);
#                   0: read-only, like the container's read-only root filesystem
#   --apply         how many times the init container runs (0 to check the probes)
#   --address       extra address on lo (a Lattice one, a non-Lattice one)
#   --listen        listener answering "NAME via ORIGINAL-DESTINATION"
#   --probe         connection opened as UID:GID
#   --save          iptables-*-save binary whose nat table is printed at the end
#
# Output, one line each: "apply I rc=RC[ ERR]", "probe UID:GID@IP:PORT -> ANSWER", "nat RULE".
set -euo pipefail

if [ -z "${LATTICE_IPTABLES_OUTER_NETNS:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "iptables-netns.sh: must run as root (it creates a network namespace)" >&2; exit 2; }
  outer=$(readlink /proc/self/ns/net)
  exec env LATTICE_IPTABLES_OUTER_NETNS="$outer" unshare --net --mount --propagation private -- bash "$0" "$@"
fi

# Refuse to touch any table unless this is a new namespace (not the caller's) with loopback only.
if [ "$(readlink /proc/self/ns/net)" = "$LATTICE_IPTABLES_OUTER_NETNS" ] || [ "$(ip -o link show | wc -l)" != 1 ]; then
  echo "iptables-netns.sh: not in a private network namespace; refusing to change iptables" >&2
  exit 2
fi

caps=net_admin
run_writable=0
apply=1
save=
addresses=()
listeners=()
probes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --caps) caps=$2; shift 2 ;;
    --run-writable) run_writable=$2; shift 2 ;;
    --apply) apply=$2; shift 2 ;;
    --address) addresses+=("$2"); shift 2 ;;
    --listen) listeners+=("$2"); shift 2 ;;
    --probe) probes+=("$2"); shift 2 ;;
    --save) save=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "iptables-netns.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "iptables-netns.sh: no restore command after --" >&2; exit 2; }

ip link set lo up
for address in "${addresses[@]}"; do
  ip address add "$address" dev lo
done

# /run as the init container sees it: an emptyDir for the legacy lock, else read-only.
mount -t tmpfs -o size=1m,mode=0755 tmpfs /run
[ "$run_writable" = 1 ] || mount -o remount,ro /run

bounding=-all
IFS=, read -r -a cap_list <<< "$caps"
for cap in "${cap_list[@]}"; do
  bounding="$bounding,+$cap"
done

for ((i = 1; i <= apply; i++)); do
  rc=0
  err=$(setpriv --no-new-privs --inh-caps=-all --bounding-set="$bounding" -- "$@" 2>&1 >/dev/null) || rc=$?
  echo "apply $i rc=$rc${err:+ ${err//$'\n'/ }}"
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
coproc LISTENERS { exec python3 "$here/netns-listeners.py" "${listeners[@]}"; }
# shellcheck disable=SC2153 # LISTENERS_PID is set by coproc
listeners_pid=$LISTENERS_PID
trap 'kill "$listeners_pid" 2>/dev/null || true' EXIT
ready=
read -r -t 10 ready <&"${LISTENERS[0]}" || true
[ "$ready" = ready ] || { echo "iptables-netns.sh: listeners did not start" >&2; exit 2; }

for probe in "${probes[@]}"; do
  ids=${probe%@*}
  target=${probe#*@}
  # shellcheck disable=SC2016 # $0 and $1 are the inner shell's arguments
  answer=$(setpriv --reuid="${ids%:*}" --regid="${ids#*:}" --clear-groups -- \
    timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1" && head -n 1 <&3' "${target%:*}" "${target##*:}" 2>/dev/null) || answer=error
  echo "probe $probe -> ${answer:-error}"
done

if [ -n "$save" ]; then
  setpriv --no-new-privs --inh-caps=-all --bounding-set="$bounding" -- "$save" -t nat | grep '^[-:]' | sed 's/^/nat /'
fi
