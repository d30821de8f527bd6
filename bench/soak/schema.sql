-- The soak's tables. Every row version carries a unique `seq`: the BEFORE trigger stamps a new
-- one on each insert and update, so the message in Kafka names the row version its change
-- made (an insert's or update's "columns"), or, with REPLICA IDENTITY FULL, the one a delete
-- removed (its "identity"). `soak_ledger` gets one row per row change from the AFTER trigger,
-- in the same transaction: it holds exactly the committed changes, whatever the restart
-- aborted, and is what Kafka is checked against. popyka-host filters it out
-- (TableNameIgnoreFilter), so it never reaches Kafka itself.
create sequence soak_seq;
create table soak_ledger(action "char" not null, seq bigint not null);

create table customers(
  id int primary key,
  name text not null,
  balance numeric(12,2) not null default 0,
  seq bigint);
create table orders(
  id bigserial primary key,
  customer_id int not null,
  status text not null,
  amount numeric(10,2),
  note text,
  created_at timestamptz not null default now(),
  seq bigint);
create table events(
  id bigserial primary key,
  kind text not null,
  payload jsonb,
  seq bigint);

create function soak_stamp() returns trigger language plpgsql as $$
begin
  new.seq := nextval('soak_seq');
  return new;
end $$;
create function soak_log() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    insert into soak_ledger values ('D', old.seq);
  else
    insert into soak_ledger values (left(tg_op, 1), new.seq);
  end if;
  return null;
end $$;
do $$
declare t text;
begin
  foreach t in array array['customers', 'orders', 'events'] loop
    execute format('alter table %I replica identity full', t);
    execute format('create trigger soak_stamp before insert or update on %I for each row execute function soak_stamp()', t);
    execute format('create trigger soak_log after insert or update or delete on %I for each row execute function soak_log()', t);
  end loop;
end $$;

-- Rows for the workload to update and delete from the first second on. Written before
-- popyka-host creates its slot, so they are not in the stream; their ledger rows go too.
insert into customers(id, name) select g, 'customer ' || g from generate_series(1, 1000) g;
insert into orders(customer_id, status, amount) select 1 + g % 1000, 'new', g % 500 from generate_series(1, 20000) g;
insert into events(kind, payload) select 'seed', jsonb_build_object('n', g) from generate_series(1, 2000) g;
truncate soak_ledger;
