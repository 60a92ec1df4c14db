#!/usr/bin/env bash
# Installs the Debian packages dqprep needs to build, run the main job and benchmark; with --test
# (tools/test.sh) also those only the tests need. Idempotent: silent and quick when everything is
# present. Run as root on Debian 12.
#   bash tools/setup.sh            # build and main job (tools/run_samples.sh)
#   bash tools/setup.sh --test     # and the test-only packages
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libcli11-dev nlohmann-json3-dev libsimdjson-dev libxxhash-dev libspdlog-dev
  libgtest-dev libgmock-dev libutf8proc-dev zlib1g-dev libzstd-dev libcld2-dev libre2-dev
  wordnet-base
  libfasttext-dev fasttext   # dqprep model; the CLI for its fidelity test
  libcsv-dev                 # dqprep convert (CSV, TSV)
  libsentencepiece-dev sentencepiece  # --tokenizer; spm_train and spm_encode for its tests
  clang libclang-rt-14-dev   # sanitizers and libFuzzer
  jq miller hyperfine time python3 zstd  # tests and the bench harness (zstd: its compressed corpus)
  parallel                   # tools/slurm/pipeline.sh --runner parallel
)
# Only for the tests: a real browser renders the HTML report (script.report_chromium), xmllint
# checks that it is well-formed; a single-node Slurm runs the cluster recipe (tools/slurm/test_slurm.sh).
test_packages=(chromium libxml2-utils slurmctld slurmd slurm-client munge)
case "${1:-}" in
  --test) packages+=("${test_packages[@]}") ;;
  "") ;;
  *) echo "usage: tools/setup.sh [--test]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "dqprep setup: missing Debian packages: ${missing[*]}; run this script as root (or apt-get install them)" >&2
  exit 4
fi
echo "dqprep setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
