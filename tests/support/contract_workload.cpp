#include "contract_workload.hpp"

namespace popyka::test {

const std::vector<std::string> contract_schema = {
    "CREATE TABLE no_key(name text, n int)",
    "CREATE TABLE with_pk(id int PRIMARY KEY, name text)",
    "CREATE TABLE composite(a int, b text, v text, PRIMARY KEY (a, b))",
    "CREATE TABLE full_identity(id int PRIMARY KEY, v text)",
    "ALTER TABLE full_identity REPLICA IDENTITY FULL",
    "CREATE TABLE typed(id serial PRIMARY KEY, amount numeric, txt text, tags text[], doc jsonb, flag boolean, "
    "ratio float8, big bigint)",
    "CREATE TABLE trunc_a(x int)",
    "CREATE TABLE trunc_b(y int)",
};

// One transaction per entry.
const std::vector<std::string> contract_workload = {
    "INSERT INTO no_key VALUES ('a', 1), ('b', 2)",
    "UPDATE no_key SET n = 3 WHERE name = 'a'",
    "DELETE FROM no_key WHERE name = 'b'",
    "INSERT INTO with_pk VALUES (1, 'one'), (2, 'two')",
    "UPDATE with_pk SET name = 'uno' WHERE id = 1",
    "UPDATE with_pk SET id = 10 WHERE id = 2",  // the key itself changes
    "DELETE FROM with_pk WHERE id = 1",
    "INSERT INTO composite VALUES (1, 'x', 'v1'), (2, 'y', 'v2')",
    "UPDATE composite SET v = 'v1b' WHERE a = 1 AND b = 'x'",
    "UPDATE composite SET b = 'z' WHERE a = 2",
    "DELETE FROM composite WHERE a = 1",
    "INSERT INTO full_identity VALUES (1, 'f')",
    "UPDATE full_identity SET v = 'g'",
    "DELETE FROM full_identity",
    "INSERT INTO typed(amount, txt, tags, doc, flag, ratio, big) VALUES "
    "(123456789012345678901234567890.123456789, 'unicode: żółć 日本 🎉', '{a,\"b c\",NULL}', "
    "'{\"k\": [1, 2, {\"n\": null}], \"s\": \"q\\\"uote\"}', true, 0.1, 9223372036854775807)",
    "INSERT INTO typed(amount, txt) VALUES (NULL, E'quotes '' \" backslash \\\\ newline \\n tab \\t end')",
    "INSERT INTO typed(amount, txt, tags, doc, flag, ratio, big) VALUES "
    "(-0.000000000000000000001, repeat('x', 5000), '{}', '[]', false, 'NaN', -1)",
    "UPDATE typed SET flag = NULL WHERE amount < 0",  // the 5 kB value is TOASTed and unchanged
    "INSERT INTO trunc_a VALUES (1); INSERT INTO trunc_b VALUES (2)",
    "TRUNCATE trunc_a, trunc_b",
    "SELECT pg_logical_emit_message(true, 'pfx', 'committed transactional')",
    "SELECT pg_logical_emit_message(false, 'pfx', 'non-transactional')",
    "BEGIN; INSERT INTO with_pk VALUES (99, 'rolled back'); "
    "SELECT pg_logical_emit_message(true, 'pfx', 'transactional, rolled back'); "
    "SELECT pg_logical_emit_message(false, 'pfx', 'non-transactional, rolled back'); ROLLBACK",
};

// The options stream_changes() adds itself, as SQL arguments.
const std::string host_wal2json_options_sql = "'format-version', '2', 'include-pk', '1', 'include-xids', '1', 'include-timestamp', '1'";

}  // namespace popyka::test
