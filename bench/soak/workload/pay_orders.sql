-- up to 10 updates in one statement, among the newest 20,000 orders: ~10 row changes
select max(id) as top from orders \gset
\set lo random(greatest(1, :top - 20000), :top)
update orders set status = 'paid', amount = amount + 1 where id between :lo and :lo + 9;
