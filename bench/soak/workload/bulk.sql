-- a big transaction: 200 inserts and 50 updates, 250 row changes
\set c random(1, 950)
begin;
insert into orders(customer_id, status, amount) select :c + g % 50, 'bulk', g from generate_series(1, 200) g;
update customers set balance = balance - 1 where id between :c and :c + 49;
commit;
