#!/usr/bin/env bash
# Issue 9, item 4: disk errors from the real kernel against the real `runnel serve` (harness command disk-faults):
#   strace -e inject on one file of a shard (EIO on fdatasync of the segment and of the checkpoint, ENOSPC and EIO on
#   its pwrite64), with the portable device (io_uring submissions are not syscalls strace can fail); and a 16 MiB
#   loop-mounted ext4 that fills up, with the default device (io_uring where the kernel has it).
# Counts one pass per case (a case passes when all of its checks pass; each check is printed). Needs root (mount).
# Budget: 4 minutes.
set -uo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work=$(mktemp -d /tmp/runnel-disk-faults-ci.XXXXXX)

# Kill any server of this run still alive (found by its unique path), unmount and detach the loop device, clean up.
cleanup() {
    local pid dev
    for pid in $(grep -l -a -F "$work" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
        [ "$pid" != "$$" ] && kill -KILL "$pid" 2>/dev/null
    done
    if mountpoint -q "$work/run/full-disk-mnt" 2>/dev/null; then
        umount "$work/run/full-disk-mnt" 2>/dev/null || umount -l "$work/run/full-disk-mnt" 2>/dev/null
    fi
    for dev in $(losetup -j "$work/run/full-disk.img" 2>/dev/null | cut -d: -f1); do
        losetup -d "$dev" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

missing=""
command -v strace >/dev/null 2>&1 || missing="$missing strace"
command -v mkfs.ext4 >/dev/null 2>&1 || missing="$missing e2fsprogs"
if [ -n "$missing" ]; then
    echo "disk-faults: installing$missing"
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null 2>&1 || echo "apt-get install$missing failed" >&2
fi

if ! dotnet build engine/Runnel.Cli -c Release -v q --nologo >"$work/build.log" 2>&1 \
    || ! dotnet build harness/Runnel.Harness -c Release -v q --nologo >>"$work/build.log" 2>&1; then
    cat "$work/build.log"
    echo "suite: 0 passed, 1 failed"
    exit 1
fi

dotnet harness/Runnel.Harness/bin/Release/net10.0/Runnel.Harness.dll disk-faults \
    --work-dir "$work/run" --json "$work/disk-faults.json" 2>&1 | tee "$work/out.log"
status=${PIPESTATUS[0]}
counts=$(sed -n 's/^disk-faults: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$work/out.log" | tail -n 1)
if [ -n "$counts" ]; then
    read -r passed failed <<<"$counts"
else
    passed=0 failed=1
fi
if [ "$status" -ne 0 ]; then
    [ "$failed" -eq 0 ] && failed=1
    for log in "$work"/run/*.server.log; do
        [ -e "$log" ] || continue
        echo "--- last lines of $log"
        tail -n 20 "$log" | cut -c1-600
    done
fi
echo "suite: $passed passed, $failed failed"
[ "$status" -eq 0 ]
