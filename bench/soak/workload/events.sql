-- inserts, deletes and an update over two tables in a transaction: ~5 row changes
\set c random(1, 1000)
\set n random(1, 3)
begin;
insert into events(kind, payload)
  select 'click', jsonb_build_object('customer', :c, 'n', g, 'tags', jsonb_build_array('web', 'mobile'))
  from generate_series(1, :n) g;
delete from events where id in (select id from events order by id limit 2);
update customers set name = 'customer ' || :c || ' (active)' where id = :c;
commit;
