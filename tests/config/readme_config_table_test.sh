#!/usr/bin/env bash
# The README's table of popyka-host's own config keys is exactly what `popyka-host --describe`
# prints, one row a key (section.key | type | required or default | meaning), between the
# README's `<!-- popyka-host --describe -->` markers; --describe SECTION prints that section alone.
#   readme_config_table_test.sh POPYKA_HOST README         compare
#   readme_config_table_test.sh POPYKA_HOST --print        print the table to paste into the README
set -euo pipefail
host=$1
readme=$2
export POPYKA_PLUGIN_PATH=
fail() { echo "FAIL: $*"; exit 1; }

# --describe's sections ("database:") and key lines (columns two spaces apart at least) as
# Markdown rows.
as_markdown() {
  echo '| key | type | required or default | meaning |'
  echo '|---|---|---|---|'
  awk '
    /^[^ ].*:$/ { prefix = ($0 == "top level:") ? "" : substr($0, 1, length($0) - 1) "."; next }
    /^  [^ ]/ {
      n = split(substr($0, 3), field, /  +/)
      help = field[4]
      for (i = 5; i <= n; i++) help = help "  " field[i]
      gsub(/\|/, "\\|", field[2])
      printf "| `%s%s` | %s | %s | %s |\n", prefix, field[1], field[2], field[3], help
      next
    }
    { print "unexpected line in --describe: " $0; exit 1 }'
}

table=$("$host" --describe | as_markdown)
if [ "$readme" = --print ]; then echo "$table"; exit 0; fi

in_readme=$(sed -n '/^<!-- popyka-host --describe -->$/,/^<!-- end popyka-host --describe -->$/p' "$readme" | sed '1d;$d')
[ -n "$in_readme" ] || fail "no table between <!-- popyka-host --describe --> and <!-- end popyka-host --describe --> in $readme"
if [ "$in_readme" != "$table" ]; then
  diff <(echo "$in_readme") <(echo "$table") || true
  fail "the README's config table differs from popyka-host --describe (above: < README, > --describe); paste the output of: $0 $host --print"
fi

# Each section alone, and only it.
for section in database metrics filters processors; do
  out=$("$host" --describe "$section")
  [ "$(echo "$out" | grep -c '^[^ ]')" = 1 ] || fail "--describe $section prints more than its section: $out"
  [[ "$("$host" --describe)" == *"$out"* ]] || fail "--describe $section is not its part of --describe: $out"
done
[ "$("$host" --describe metrics)" = "metrics:
  listen                 string  required               \`host:port\` for \`/metrics\` and \`/healthz\`" ] || fail "--describe metrics: $("$host" --describe metrics)"
echo "README config table: $(echo "$table" | tail -n +3 | wc -l) keys, as popyka-host --describe prints them"
