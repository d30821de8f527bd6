-- 1 to 10 inserts and one update in a transaction: ~6.5 row changes
\set c random(1, 1000)
\set n random(1, 10)
begin;
insert into orders(customer_id, status, amount, note)
  select :c, 'new', round((random() * 1000)::numeric, 2), case when g % 3 = 0 then 'call before delivery' end
  from generate_series(1, :n) g;
update customers set balance = balance + :n where id = :c;
commit;
