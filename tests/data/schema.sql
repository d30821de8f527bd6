-- The tables of the wal2json samples (tests/data/regenerate.sh), made before the slots so the
-- samples start with the workload.
create table demo(id serial primary key, name varchar not null, price numeric(10,2), ok boolean,
                  tags text[], doc jsonb, big text, ts timestamptz default '2024-01-02 03:04:05+00');
create table nopk(name text);
