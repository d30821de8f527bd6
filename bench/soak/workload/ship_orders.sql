-- the 8 oldest orders go (fewer when another client took them first): ~8 row changes
delete from orders where id in (select id from orders order by id limit 8);
