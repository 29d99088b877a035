#pragma once

#include <memory>
#include <string>

namespace courierd::test
{

/// A PostgreSQL cluster of a test's own (initdb, pg_ctl, pg_basebackup from the server's
/// binaries), listening on 127.0.0.1 and a free port, trust authentication, superuser
/// `postgres`: for scenarios that need more than the one cluster pg_virtualenv gives, such as a
/// primary and its streaming standby. Run as `postgres` when the tests run as root (initdb
/// refuses root). Stopped (immediately) and removed by the destructor.
class PostgresCluster
{
public:
    /// A primary ready to stream to standbys (wal_level replica).
    static std::unique_ptr<PostgresCluster> primary();

    /// A streaming standby of `primary` (pg_basebackup -R), named `standby` to the primary.
    /// With `synchronous`, the primary waits for it on every commit (synchronous_standby_names).
    static std::unique_ptr<PostgresCluster> standbyOf(PostgresCluster& primary, bool synchronous);

    ~PostgresCluster();

    PostgresCluster(const PostgresCluster&) = delete;
    PostgresCluster& operator=(const PostgresCluster&) = delete;

    unsigned short port() const { return _port; }

    /// `host=127.0.0.1 port=… user=postgres dbname=<database>` (this cluster, whatever PG*
    /// variables say).
    std::string keyValue(const std::string& database) const;

    /// Runs `sql` with psql against `database`; its output (unaligned, tuples only), trimmed.
    /// Throws Poco::RuntimeException with psql's error.
    std::string psql(const std::string& sql, const std::string& database = "postgres") const;

    /// pg_ctl stop -m `mode` (immediate: a crash; fast: a clean shutdown).
    void stop(const std::string& mode = "immediate");

    /// pg_ctl promote, waiting until the standby accepts writes.
    void promote();

private:
    PostgresCluster(std::string root, unsigned short port);
    void start();
    void appendConfig(const std::string& lines) const;

    std::string _root; // a temporary directory: data/ and the Unix socket
    unsigned short _port;
    bool _running = false;
};

} // namespace courierd::test
