# Shared by the package tests (sourced). Each test makes one scratch
# directory, $tmp, removed on exit, and reports with pass/fail/skip.
set -euo pipefail
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hsmb-package.XXXXXX")
cleanup_steps=()
cleanup() {
  local step
  for step in "${cleanup_steps[@]}"; do eval "$step" || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }  # ctest SKIP_RETURN_CODE
step() { echo "== $*" >&2; }

# The checks a quick packaged run takes: they read every kind of data the
# kit installs (vectors, a worldFile, the regressions, the shipped worlds),
# in a few seconds.
quick_filter='Vectors.Auth*:Vectors.Sizing*:Regressions.*:Output.SeedBackupTranscript:Options.AppendFingerprintSeedExample'

# expect_report REPORT VERSION CATALOGUE: the JSON report of a passing quick
# run, carrying the kit's version and the SHA-256 of CATALOGUE.
expect_report() {
  local report=$1 version=$2 catalogue=$3 sha
  sha=$(sha256sum "$catalogue" | cut -d' ' -f1)
  jq -e --arg v "$version" --arg sha "$sha" \
    '.tool.version == $v and .catalogue.sha256 == $sha and .exit_code == 0
     and .check_totals.pass >= 5 and .check_totals.fail == 0 and .check_totals.error == 0' \
    "$report" >/dev/null || fail "report $report: $(jq -c '{tool, catalogue, exit_code, check_totals}' "$report")"
}
