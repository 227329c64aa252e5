-- roles.sql - the database and least-privilege roles for a shared dealtemp
-- store (PostgreSQL 15; 13 and later should do).
--
-- Run as a superuser on the database server, before the first
-- `dealtemp migrate`:
--
--     psql -U postgres -f roles.sql
--
-- Running it again is harmless (what exists is kept, the grants are made
-- again), and after a migrate it also covers tables created before it ran.
-- It sets no passwords: give each login role one with psql's \password
-- (which sends only a SCRAM verifier, never the password), or use client
-- certificates instead (pg_hba.conf.example).
--
--   dealtemp_owner  owns the database, its schema and every table and
--                   sequence; used only by `dealtemp migrate`, from one host.
--   dealtemp_app    the milters (and `dealtemp threads`, `stats`, `import`):
--                   SELECT, INSERT and UPDATE on the tables, USAGE on the
--                   sequences; no DELETE, no CREATE, no DDL.
--   dealtemp_maint  the one host that runs the daily digest (which purges):
--                   dealtemp_app's rights plus DELETE.
-- None is a superuser or may create databases or roles (CREATE ROLE's
-- defaults).

\set ON_ERROR_STOP on

-- The roles. \gexec runs each statement the query returns: none when the
-- role exists already.
SELECT 'CREATE ROLE dealtemp_owner LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dealtemp_owner') \gexec
SELECT 'CREATE ROLE dealtemp_app LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dealtemp_app') \gexec
SELECT 'CREATE ROLE dealtemp_maint LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dealtemp_maint') \gexec
-- dealtemp_maint has everything dealtemp_app has (INHERIT is the default).
GRANT dealtemp_app TO dealtemp_maint;

-- The database, owned by dealtemp_owner. UTF-8, because addresses, names and
-- subjects are; the C locale sorts bytewise, as SQLite does, and does not
-- change under the indexes when the C library is upgraded.
SELECT 'CREATE DATABASE dealtemp OWNER dealtemp_owner ENCODING ''UTF8'' LOCALE ''C'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'dealtemp') \gexec

-- (A database made earlier by hand is given to dealtemp_owner.)
ALTER DATABASE dealtemp OWNER TO dealtemp_owner;

\connect dealtemp

-- Only dealtemp's roles may connect; nobody else gets CONNECT or TEMPORARY.
REVOKE ALL ON DATABASE dealtemp FROM PUBLIC;
GRANT CONNECT ON DATABASE dealtemp TO dealtemp_app;

-- The tables live in schema public. dealtemp_owner owns it (PostgreSQL 15
-- gives it to the database owner already; older versions to postgres), and
-- nobody else may create anything in it.
ALTER SCHEMA public OWNER TO dealtemp_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO dealtemp_app;

-- Tables and sequences that exist now: schema_version, people, threads,
-- events, thread_people, digest_sent, digest_item; the sequences behind
-- people.id and threads.id.
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO dealtemp_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO dealtemp_app;
GRANT DELETE ON ALL TABLES IN SCHEMA public TO dealtemp_maint;

-- Tables and sequences that `dealtemp migrate` (as dealtemp_owner) creates
-- later get the same grants, so an upgrade never needs this file again.
ALTER DEFAULT PRIVILEGES FOR ROLE dealtemp_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE ON TABLES TO dealtemp_app;
ALTER DEFAULT PRIVILEGES FOR ROLE dealtemp_owner IN SCHEMA public
    GRANT USAGE ON SEQUENCES TO dealtemp_app;
ALTER DEFAULT PRIVILEGES FOR ROLE dealtemp_owner IN SCHEMA public
    GRANT DELETE ON TABLES TO dealtemp_maint;
