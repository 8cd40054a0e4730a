/**
 * The shell functions every reproducer starts with: finding the tools,
 * the working folder, one tool call as the harness makes it, how a call
 * ended, and the endings of the script (exit 1: the finding's divergence;
 * 0: none; 2: the reference side could not build or judge the case; 3:
 * another divergence). POSIX sh, run by dash in the tests.
 */
export const SHELL_LIBRARY = `set -u
say() { printf '%s\\n' "$*"; }
repro_fail() { say "repro.sh: $*" >&2; exit 2; }

# abs_tool NAME-OR-PATH: the absolute path of an executable (a bare name is looked up on PATH).
abs_tool() {
  case $1 in
    */*) [ -f "$1" ] && [ -x "$1" ] && say "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" ;;
    *) _p=$(command -v "$1") || return 1; case $_p in */*) abs_tool "$_p" ;; *) return 1 ;; esac ;;
  esac
}

INSTAR=$(abs_tool "\${INSTAR:-instar}") || repro_fail "instar not found (\${INSTAR:-instar}): set INSTAR=/path/to/instar"
QEMU_IMG=$(abs_tool "\${QEMU_IMG:-qemu-img}") || repro_fail "qemu-img not found (\${QEMU_IMG:-qemu-img}): set QEMU_IMG=/path/to/qemu-img"
QEMU_IO=$(abs_tool "\${QEMU_IO:-$(dirname "$QEMU_IMG")/qemu-io}") || QEMU_IO=$(abs_tool qemu-io) ||
  repro_fail "qemu-io not found next to $QEMU_IMG or on PATH: set QEMU_IO=/path/to/qemu-io"
command -v timeout >/dev/null || repro_fail "timeout (coreutils) not found"
# instar imitates the first qemu-img on its PATH: the reference's folder goes first, and
# every tool speaks the C locale, as in the harness.
PATH=$(dirname "$QEMU_IMG"):$PATH
LC_ALL=C
export PATH LC_ALL
W=$(mktemp -d) || repro_fail "mktemp -d failed"
export W
if [ -n "\${REPRO_KEEP:-}" ]; then
  trap 'say "repro.sh: the case is kept in $W" >&2' EXIT
else
  trap 'rm -rf "$W"' EXIT
fi
trap 'exit 130' HUP INT TERM
CWD=

# qemu_version: the reference's version number; qemu_at_least MAJOR MINOR.
qemu_version() { "$QEMU_IMG" --version | sed -n '1s/.*version \\([0-9][0-9]*\\.[0-9][0-9]*\\).*/\\1/p'; }
qemu_at_least() {
  _v=$(qemu_version)
  [ -n "$_v" ] || return 1
  [ "\${_v%%.*}" -gt "$1" ] || { [ "\${_v%%.*}" -eq "$1" ] && [ "\${_v#*.}" -ge "$2" ]; }
}

# quoted ARG...: the arguments as one shell command line (for showing).
quoted() {
  _s=
  for _a in "$@"; do
    case $_a in '' | *[!A-Za-z0-9_@%+=:,./-]*) _a="'$(printf '%s' "$_a" | sed "s/'/'\\\\\\\\''/g")'" ;; esac
    _s="$_s\${_s:+ }$_a"
  done
  say "$_s"
}

# trace ARG...: with REPRO_TRACE=FILE, each tool call is appended to FILE (tests compare it with the harness's calls).
trace() {
  {
    [ -z "$CWD" ] || printf 'c%s\\0' "$CWD"
    for _a in "$@"; do printf 'a%s\\0' "$_a"; done
    printf 'e\\0'
  } >>"$REPRO_TRACE"
}

# call NAME PROGRAM [ARG...]: one tool call as the harness makes it (stdin closed, in $CWD when
# set, its process group killed after $TIMEOUT s); outputs in $W/NAME.out and $W/NAME.err.
call() {
  _n=$1
  shift
  quoted "$@" >"$W/$_n.cmd"
  [ -z "\${REPRO_TRACE:-}" ] || trace "$@"
  _t0=$(date +%s)
  (cd "\${CWD:-.}" && exec timeout -k 5 "$TIMEOUT" "$@") </dev/null >"$W/$_n.out" 2>"$W/$_n.err"
  _rc=$?
  _to=0
  if [ "$_rc" -eq 124 ] || { [ "$_rc" -eq 137 ] && [ $(($(date +%s) - _t0)) -ge "$TIMEOUT" ]; }; then _to=1; fi
  say "$_rc $_to" >"$W/$_n.end"
}

end_of() { read -r RC TO <"$W/$1.end"; }
ok() { end_of "$1" && [ "$TO" = 0 ] && [ "$RC" = 0 ]; }
timed_out() { end_of "$1" && [ "$TO" = 1 ]; }
# A signal (status above 128) or a Rust panic (101), not a timeout.
crashed() { end_of "$1" && [ "$TO" = 0 ] && { [ "$RC" = 101 ] || [ "$RC" -gt 128 ]; }; }
ended() {
  end_of "$1"
  if [ "$TO" = 1 ]; then say "timed out after $TIMEOUT s"
  elif [ "$RC" -gt 128 ]; then say "killed by SIG$(kill -l "$((RC - 128))")"
  else say "exit $RC"; fi
}
crash_words() { if end_of "$1" && [ "$RC" = 101 ]; then say 'panicked (exit 101)'; else say "was killed by SIG$(kill -l "$((RC - 128))")"; fi; }
no_space() { grep -Eqi 'No space left on device|Disk quota exceeded' "$W/$1.err"; }

# show NAME: the call, how it ended, and the start of what it printed.
show() {
  say
  say "\\$ $(cat "$W/$1.cmd")"
  say "  -> $(ended "$1")"
  excerpt stdout "$W/$1.out"
  excerpt stderr "$W/$1.err"
}
excerpt() {
  [ -s "$2" ] || return 0
  say "  $1:"
  head -c 4000 "$2" | sed 's/^/    /'
  say
  _b=$(wc -c <"$2")
  [ "$_b" -le 4000 ] || say "    ... ($_b bytes in all)"
}

signature() { stat -c '%s %y %z' "$1" 2>/dev/null || cksum <"$1"; }
SRC_SIG=
# The source must come out as it went in: instar was only asked to read it.
modified_check() {
  [ -n "$SRC_SIG" ] && [ "$(signature "$SRC")" != "$SRC_SIG" ] || return 0
  SRC_SIG=
  diverged instar_modified_input "instar modified the source image it was only asked to read."
}
diverged() {
  modified_check
  say
  say "DIVERGENCE $1: $2"
  if [ "$1" = "$EXPECTED" ]; then say "The finding reproduces."; exit 1; fi
  say "This is another divergence than the finding's ($EXPECTED)."
  exit 3
}
inconclusive() {
  modified_check
  say
  say "INCONCLUSIVE $1: $2"
  say "Nothing was decided: the reference side could not build or judge the case."
  exit 2
}
passed() {
  modified_check
  say
  say "NO DIVERGENCE: $1"
  say "The finding does not reproduce."
  exit 0
}

# fixture STEP NAME PROGRAM [ARG...]: a step only the reference tools make; its failure decides nothing.
fixture() {
  _step=$1
  shift
  call "$@"
  ok "$1" && return 0
  show "$1"
  no_space "$1" && inconclusive inconclusive_no_space "a tool ran out of disk space ($_step)."
  inconclusive inconclusive_fixture_failed "the reference tools could not build the fixture ($_step): $(ended "$1")."
}

# compare_exits INSTAR_CALL QEMU_CALL [noparity]: the harness's classifier of how the two calls
# ended (crash, hang, then success against failure); returns when they agree.
compare_exits() {
  crashed "$1" && diverged instar_crash "instar $(crash_words "$1"); qemu-img $(ended "$2")."
  timed_out "$2" && inconclusive inconclusive_external_timeout "qemu-img $(ended "$2"); the reference gave no answer."
  timed_out "$1" && diverged instar_timeout "instar $(ended "$1") where qemu-img finished ($(ended "$2"))."
  [ "\${3:-}" = noparity ] && return 0
  if ok "$1"; then _i=1; else _i=0; fi
  if ok "$2"; then _q=1; else _q=0; fi
  [ "$_i" = "$_q" ] && return 0
  for _c in "$1" "$2"; do
    ok "$_c" || ! no_space "$_c" || inconclusive inconclusive_no_space "a tool ran out of disk space: nothing was decided."
  done
  [ "$_i" = 1 ] && diverged exit_code_divergence "instar succeeded where qemu-img failed ($(ended "$2"))."
  diverged exit_code_divergence "instar failed ($(ended "$1")) where qemu-img succeeded."
}

# compare_runs INSTAR_CALL QEMU_CALL WHAT: compare_exits, where both refusing leaves nothing to compare.
compare_runs() {
  compare_exits "$1" "$2"
  ok "$1" || passed "both tools refused $3."
}

# crash_or_hang INSTAR_CALL: for an instar call without a qemu-img counterpart.
crash_or_hang() {
  crashed "$1" && diverged instar_crash "instar $(crash_words "$1")."
  timed_out "$1" && diverged instar_timeout "instar $(ended "$1")."
  return 0
}
`

/**
 * The shared oracles of src/fuzz/oracles.ts in shell: guest content with
 * qemu-img compare, and the qemu-img views (info, map, check) of both
 * results, whose JSON the inline python oracle compares (`judge`).
 */
export const SHELL_ORACLES = `# judge COMMAND [ARG...]: one comparison by the inline python oracle: it prints what differs
# and decides as the harness does (next: go on to the following check).
judge() {
  rm -f "$W/verdict"
  python3 "$W/oracle.py" "$@" || repro_fail "the python oracle failed ($1)"
  read -r _kind _type _why <"$W/verdict"
  case $_kind in
    next) return 0 ;;
    pass) passed "$_why" ;;
    divergence) diverged "$_type" "$_why" ;;
    *) inconclusive "$_type" "$_why" ;;
  esac
}

# content TYPE MISSING UNREADABLE FORMAT INSTAR_FILE QEMU_FILE: guest data compared with
# qemu-img compare, which reads only allocated data; raw outputs must also match in length.
content() {
  if [ "$4" = raw ]; then
    [ -e "$6" ] || inconclusive inconclusive_reference_output_missing "qemu-img reported success but wrote no output file."
    [ -e "$5" ] || diverged "$2" "instar reported success but wrote no output file."
    _li=$(wc -c <"$5")
    _lq=$(wc -c <"$6")
    [ "$_li" -eq "$_lq" ] || diverged "$1" "raw output lengths differ: instar $_li bytes, qemu-img $_lq bytes."
  fi
  call compare "$QEMU_IMG" compare -f "$4" -F "$4" "$5" "$6"
  show compare
  if grep -qi 'size mismatch' "$W/compare.out"; then _sm=1; else _sm=0; fi
  end_of compare
  if [ "$TO" = 0 ] && { [ "$RC" = 0 ] || [ "$RC" = 1 ]; }; then
    [ "$RC" = 0 ] && [ "$_sm" = 0 ] && return 0
    if [ "$RC" = 0 ]; then diverged "$1" "virtual sizes differ (the extra part reads as zeros)."; fi
    diverged "$1" "guest data differs: $(tail -n 1 "$W/compare.out")."
  fi
  # An image qemu-img cannot even compare with itself is one it cannot open or read through.
  call unreadable "$QEMU_IMG" compare -f "$4" -F "$4" "$5" "$5"
  ok unreadable || { show unreadable; diverged "$3" "qemu-img cannot read instar's $4 output ($(ended unreadable))."; }
  inconclusive inconclusive_compare_failed "qemu-img compare failed ($(ended compare))."
}

# readback PREFIX TARGET INSTAR_IMAGE QEMU_IMAGE [INSTAR_DIR QEMU_DIR]: qemu-img info of both
# results, normalised (the folders become $DIR) and compared.
readback() {
  call "$1.info-i" "$QEMU_IMG" info --output=json "$3"
  call "$1.info-q" "$QEMU_IMG" info --output=json "$4"
  judge readback "$@"
}

# allocation PREFIX FORMAT INSTAR_IMAGE QEMU_IMAGE: qemu-img map of both, host layout left out.
allocation() {
  call "$1.map-i" "$QEMU_IMG" map -f "$2" --output=json "$3"
  call "$1.map-q" "$QEMU_IMG" map -f "$2" --output=json "$4"
  judge allocation "$1"
}

# check_clean PREFIX IMAGE: qemu-img check must find the image instar left clean.
check_clean() {
  call "$1.check" "$QEMU_IMG" check -f qcow2 --output=json "$2"
  show "$1.check"
  timed_out "$1.check" && inconclusive inconclusive_external_timeout "qemu-img check $(ended "$1.check")."
  judge check-clean "$1"
}
`
