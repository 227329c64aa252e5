-- A dealtemp database as schema version 1 left it (before digests were
-- remembered): check_store_digest.c loads it and opens it with the current
-- store, which must migrate it to the newest version and keep every event.
-- T0 = 1790000000 (2026-09-21). Thread 1001 "Pilot for Q4": ann's euphoric
-- mail, bob's reply a day later; thread 1002: a calm mail to eve.
CREATE TABLE schema_version(version INTEGER NOT NULL);
INSERT INTO schema_version(version) VALUES (1);
CREATE TABLE people(id INTEGER PRIMARY KEY, addr TEXT NOT NULL UNIQUE);
CREATE TABLE threads(id INTEGER PRIMARY KEY, key INTEGER NOT NULL UNIQUE,
 subject_key INTEGER, subject TEXT);
CREATE TABLE events(thread INTEGER NOT NULL, at INTEGER NOT NULL,
 msgid INTEGER NOT NULL, outbound INTEGER NOT NULL, level INTEGER NOT NULL,
 rep INTEGER NOT NULL, counterpart INTEGER NOT NULL, score INTEGER NOT NULL,
 phrases TEXT, PRIMARY KEY (thread, at, msgid)) WITHOUT ROWID;
CREATE UNIQUE INDEX events_by_msgid ON events(msgid);
CREATE TABLE thread_people(rep INTEGER NOT NULL, counterpart INTEGER NOT NULL,
 thread INTEGER NOT NULL, PRIMARY KEY (rep, counterpart, thread)) WITHOUT ROWID;
CREATE INDEX thread_people_by_counterpart ON thread_people(counterpart);

INSERT INTO people(id, addr) VALUES (1, 'ann@corp.example'), (2, 'bob@cust.example'),
 (3, 'eve@cust.example');
INSERT INTO threads(id, key, subject_key, subject) VALUES (1, 1001, 77, 'Pilot for Q4'),
 (2, 1002, NULL, NULL);
INSERT INTO events(thread, at, msgid, outbound, level, rep, counterpart, score, phrases) VALUES
 (1, 1790000000, 11, 1, 2, 1, 2, 720, 'amazing, can''t wait'),
 (1, 1790086400, 12, 0, 0, 1, 2, 0, NULL),
 (2, 1790003600, 21, 1, 0, 1, 3, 100, NULL);
INSERT INTO thread_people(rep, counterpart, thread) VALUES (1, 2, 1), (1, 3, 2);
