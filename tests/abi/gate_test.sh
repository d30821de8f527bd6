#!/usr/bin/env bash
# The ABI gate itself, on copies of the SDK headers changed on purpose: it must fail on each
# incompatible change, pass on compatible ones, and pass an incompatible one that moves
# kAbiVersion (and the inline namespace) with it.
#   gate_test.sh CXX SDK_INCLUDE_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cxx=$1
sdk_include=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# gate <expect: pass|fail> <what> <sed expression> <header>...: edit a fresh copy, run the gate.
gate() {
  local expect=$1 what=$2 expression=$3
  shift 3
  rm -rf "$work/include"
  cp -r "$sdk_include" "$work/include"
  for header in "$@"; do
    local file="$work/include/popyka/sdk/$header"
    cp "$file" "$file.orig"
    sed -i "$expression" "$file"
    if cmp -s "$file" "$file.orig"; then echo "gate_test: the edit '$what' changed nothing in $header"; exit 2; fi
    rm "$file.orig"
  done
  local status=0
  "$here/check_abi.sh" "$cxx" "$work/include" >"$work/out" 2>&1 || status=$?
  if { [ "$expect" = fail ] && [ "$status" = 0 ]; } || { [ "$expect" = pass ] && [ "$status" != 0 ]; }; then
    echo "FAIL: the gate should $expect on: $what"
    cat "$work/out"
    failures=$((failures + 1))
  else
    if [ "$expect" = fail ]; then echo "ok: the gate fails on: $what"; else echo "ok: the gate passes on: $what"; fi
    grep -m3 -e 'vtable offset' -e 'type size changed' -e 'member function insertion' -e 'abi gate:' "$work/out" | sed 's/^/      /'
  fi
}

gate fail "a virtual appended to Component" \
  's|^  virtual void setup(const Config& config, Host& host) {|  virtual void teardown() {}\n&|' component.hpp
gate fail "a virtual appended to Processor" \
  's|^  virtual void poll(std::chrono::milliseconds wait) { (void)wait; }|&\n  virtual void drain() {}|' processor.hpp
gate fail "a virtual appended to Host" \
  's|^  virtual bool check_only() const noexcept { return false; }|&\n  virtual int pipeline_count() const noexcept { return 1; }|' host.hpp
gate fail "a field added to Failure" 's|^  int retries;|&\n  int attempt;|' error_handler.hpp
gate fail "a field added to ConfigKey" 's|^  const char\* help;  |  const char* unit;\n&|' plugin.hpp
gate pass "a new inline function" 's|^}  // namespace v1|inline bool is_blank(std::string_view s) { return s.find_first_not_of(" \\t") == s.npos; }\n&|' json.hpp
gate pass "a field appended to PluginDescriptor (the size rule)" 's|^  std::size_t class_count;|&\n  const void* capabilities;|' plugin.hpp
gate pass "a virtual appended to Component with kAbiVersion and the namespace moved to 2" \
  's|^  virtual void setup(const Config& config, Host& host) {|  virtual void teardown() {}\n&|; s|^#define POPYKA_SDK_ABI_VERSION 1$|#define POPYKA_SDK_ABI_VERSION 2|; s|^inline namespace v1 {|inline namespace v2 {|' \
  component.hpp abi.hpp

[ "$failures" = 0 ] || { echo "$failures gate check(s) wrong"; exit 1; }
echo "the ABI gate fails on every incompatible change and passes compatible ones"
