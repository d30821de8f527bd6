-- The workload behind the wal2json samples (tests/data/regenerate.sh): every action wal2json
-- emits (B, C, I, U, D, T, M), every kind of column value, REPLICA IDENTITY DEFAULT and FULL,
-- a table without a primary key, a transactional and a non-transactional message.
insert into demo(name,price,ok,tags,doc,big) values ('a',1.50,true,'{x,y}','{"k":1}',repeat('z',10)),
                                                   ('b',null,false,null,null,null);
update demo set name='a2' where id=1;
alter table demo replica identity full;
update demo set price=2 where id=2;
delete from demo where id=2;
truncate nopk;
select pg_logical_emit_message(true,'pfx','hello');
select pg_logical_emit_message(false,'pfx','nontx');
