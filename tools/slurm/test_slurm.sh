#!/usr/bin/env bash
# Integration test of the Slurm recipe on a real single-node Slurm (tools/test.sh runs it):
#   tools/slurm/test_slurm.sh [DQPREP]          (default build/dqprep)
# Starts munged, slurmctld and slurmd on this machine (root, Debian 12's slurm 22.05; no systemd
# needed), runs tools/slurm/pipeline.sh on 4 shards of WordNet's glosses (a real file, whose own
# near duplicates make a cluster file that holds the bytes 0D 0A) and compares every output with
# the chain run as one process (compare.sh); then runs it again with one shard made to fail, which
# must fail the chain (the jobs after it cancelled, none left pending) and leave no output. The
# daemons it started are stopped by their PIDs whatever happens; each run has a time limit.
# Skips (exit 0, saying why) only when not root; fails when the packages cannot be installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dqprep=$(cd "$(dirname "${1:-$root/build/dqprep}")" && pwd)/$(basename "${1:-$root/build/dqprep}")
recipe=$root/tools/slurm
skip() { echo "slurm: skipped: $*"; exit 0; }
[[ $(id -u) -eq 0 ]] || skip "not root (the test starts slurmctld, slurmd and munged)"
bash "$root/tools/setup.sh" --test >/dev/null || { echo "slurm: FAIL: tools/setup.sh --test could not install slurmctld slurmd slurm-client munge" >&2; exit 1; }
[[ -x $dqprep ]] || { echo "slurm: FAIL: no dqprep at $dqprep" >&2; exit 1; }

base=$(mktemp -d /tmp/dqprep-slurm.XXXXXX)
chmod 755 "$base"
started=()  # pid files of the daemons this test started, in the order they started
running=""  # the pipeline run under way
# A process that has exited but was not reaped (a daemon's parent is PID 1, which need not reap in
# a container) is a zombie: kill -0 still finds it, so its state is read.
alive() { [[ -r /proc/$1/stat ]] && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }
stop_daemons() {
  local k pidfile pid
  for ((k = ${#started[@]} - 1; k >= 0; k--)); do  # slurmd, slurmctld, then munged
    pidfile=${started[k]}
    [[ -s $pidfile ]] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && kill -9 "$pid" 2>/dev/null
    rm -f "$pidfile"
  done
}
cleanup() {
  local code=$?
  # A pipeline still running (the test was stopped) cancels its jobs on TERM.
  if [[ -n $running ]] && kill -0 "$running" 2>/dev/null; then
    kill -TERM "$running" 2>/dev/null || true
    wait "$running" 2>/dev/null || true
  fi
  stop_daemons
  if [[ $code -ne 0 ]]; then
    echo "slurm: FAIL (exit $code); daemon logs:" >&2
    tail -n 20 "$base"/*.log >&2 2>/dev/null || true
  fi
  rm -rf "$base"
  exit $code
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP
fail() { echo "slurm: FAIL: $*" >&2; exit 1; }

# Free TCP ports for slurmctld and slurmd, so that another Slurm on this machine is left alone.
free_port() {
  local p
  for p in $(seq "$1" $(($1 + 200))); do
    ss -Htln "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
  done
  fail "no free port from $1"
}
ctld_port=$(free_port 16817)
slurmd_port=$(free_port $((ctld_port + 1)))

# munged, as user munge, with its own socket and pid file.
install -d -o munge -g munge /run/munge
install -d -o munge -g munge "$base/munge"
socket=$base/munge/munge.socket
runuser -u munge -- /usr/sbin/munged --socket="$socket" --pid-file="$base/munge/munged.pid" \
  --log-file="$base/munge/munged.log" --seed-file="$base/munge/munged.seed"
started+=("$base/munge/munged.pid")
for _ in $(seq 50); do [[ -S $socket ]] && break; sleep 0.1; done
[[ -S $socket ]] || fail "munged did not start"

# slurm.conf: one node, localhost, with what slurmd -C finds; everything in $base.
node=$(slurmd -C | head -1 | sed 's/^NodeName=[^ ]*/NodeName=localhost/')
mkdir -p "$base/state" "$base/spool"
export SLURM_CONF=$base/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=dqpreptest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$base/state
SlurmdSpoolDir=$base/spool
SlurmctldPidFile=$base/slurmctld.pid
SlurmdPidFile=$base/slurmd.pid
SlurmctldLogFile=$base/slurmctld.log
SlurmdLogFile=$base/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
DependencyParameters=kill_invalid_depend
SchedulerParameters=batch_sched_delay=0
MinJobAge=10
$node State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld
started+=("$base/slurmctld.pid")
slurmd -N localhost
started+=("$base/slurmd.pid")
for _ in $(seq 100); do
  state=$(sinfo -h -n localhost -o %t 2>/dev/null || true)
  [[ $state == idle ]] && break
  sleep 0.2
done
[[ $state == idle ]] || fail "the node is not idle after 20 s (sinfo: '$state')"
for pidfile in "$base/slurmctld.pid" "$base/slurmd.pid" "$base/munge/munged.pid"; do
  [[ -s $pidfile ]] || fail "no pid file $pidfile"
done
echo "slurm: munged $(cat "$base/munge/munged.pid"), slurmctld $(cat "$base/slurmctld.pid"), slurmd $(cat "$base/slurmd.pid") up ($node)"

# The data: every gloss of WordNet, 4 shards.
cd "$base"
python3 - <<'PY'
import json
with open("glosses.jsonl", "w", encoding="utf-8") as out:
    for pos in ("noun", "verb", "adj", "adv"):
        with open("/usr/share/wordnet/data." + pos, encoding="utf-8", errors="replace") as f:
            for line in f:
                if not line.startswith("  ") and "|" in line:
                    out.write(json.dumps({"id": pos[0] + line.split(" ", 1)[0], "text": line.split("|", 1)[1].strip(),
                                          "label": pos}) + "\n")
PY
split -n l/4 -d --additional-suffix=.jsonl glosses.jsonl shard
flags=(--filter "--min-words 3" --cluster "--keep longest" --report "--check 'duplicate_ratio < 0.05'"
       --split "--ratios 0.8,0.1,0.1 --names train,dev,test")
run() {  # run NAME SHARD...: the pipeline on Slurm, under a time limit
  local name=$1; shift
  # In the background, so that a signal to this script is handled at once (bash runs a trap only
  # once the foreground command has ended; `wait` returns at the signal).
  timeout -k 5 100 bash "$recipe/pipeline.sh" --runner slurm --poll 0.5 --timeout 90 --work "$base/$name.work" \
    --out "$base/$name.out" --dqprep "$dqprep" --partitions 3 "${flags[@]}" "$@" &
  running=$!
  local code=0
  wait "$running" || code=$?
  running=""
  return $code
}
begin=$(date +%s)
run good shard0{0,1,2,3}.jsonl >good.log 2>&1 || { cat good.log; fail "the pipeline failed on Slurm"; }
echo "slurm: the chain of $(grep -c ': job ' good.log) jobs ran in $(( $(date +%s) - begin )) s"
bash "$recipe/compare.sh" --out good.out --dqprep "$dqprep" "${flags[@]}" shard0{0,1,2,3}.jsonl ||
  fail "the outputs on Slurm differ from one process"
python3 -c 'import sys; sys.exit(0 if b"\r\n" in open(sys.argv[1], "rb").read() else 1)' good.work/clusters.bin ||
  fail "the cluster file holds no CR LF: the data does not test what it should"
[[ $(jq .duplicates good.out/report/dedup.json) -gt 500 ]] || fail "too few duplicates"

# One shard made to fail: a malformed line (under the default --on-error fail) in shard 2.
(head -1000 shard02.jsonl; echo '{"id": "broken", "text": '; tail -n +1001 shard02.jsonl) >bad02.jsonl
begin=$(date +%s)
code=0
run bad shard00.jsonl shard01.jsonl bad02.jsonl shard03.jsonl >bad.log 2>&1 || code=$?
[[ $code -eq 1 ]] || { cat bad.log; fail "a failing shard: the pipeline exited $code, not 1"; }
[[ ! -e bad.out && ! -e bad.out.partial ]] || fail "a failed chain left an output"
grep -q "prep.2" bad.log || { cat bad.log; fail "the failed task is not named"; }
[[ -z $(ls bad.work/done 2>/dev/null | grep -v '^prep\.') ]] || fail "steps after the failed one ran: $(ls bad.work/done)"
left=$(squeue -h | wc -l)
[[ $left -eq 0 ]] || fail "$left jobs left in the queue after the failed chain"
echo "slurm: a failing shard failed the chain in $(( $(date +%s) - begin )) s, no job left, no output"
echo "slurm: 1 passed, 0 failed"
