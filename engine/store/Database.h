#pragma once

#include "config/ConnectionString.h"
#include "config/EngineConfig.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>

#include <memory>
#include <string>
#include <vector>

namespace courierd
{

/// A PostgreSQL array literal of `values`, each one quoted (`{"a","b\\"c"}`), to bind as one
/// text parameter and cast in SQL (`$1::text[]`): POCO 1.11 binds no arrays. Pure.
std::string textArray(const std::vector<std::string>& values);

/// The PostgreSQL store: a pool of sessions to one database, and optionally a few reserved
/// sessions beside it for the threads that reserveThisThread() marked (the admin endpoint's:
/// however many requests arrive, they never take the sessions the scheduler, the workers and
/// the monitor need, nor wait behind them). Thread-safe.
class Database
{
public:
    /// Parses the connection settings; connects nothing yet. `config.poolSize` sessions, and
    /// `reserved` more for the marked threads. Throws ConfigException.
    explicit Database(const StoreConfig& config, int reserved = 0);
    ~Database();

    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// Opens one connection to prove the database is reachable. Throws StoreException naming
    /// host, port, database and user (never the password).
    void verify();

    /// Runs a trivial query on a pooled session: empty when the database answers, otherwise
    /// why not (without the password). For readiness. Never throws.
    std::string ping();

    /// A pooled session, returned to the pool when the last copy is destroyed: a reserved one
    /// on a marked thread. Waits up to the connect timeout while every session is in use.
    /// Throws StoreException.
    Poco::Data::Session session();

    /// From now on, the sessions this thread asks for come from the reserved ones (when there
    /// are any). For the threads of a pool that serves nothing else; never undone.
    void reserveThisThread() const;

    /// Sessions of the pools (the reserved ones included) handed out now, and idle in them.
    struct PoolUse
    {
        int inUse = 0;
        int idle = 0;
    };
    PoolUse poolUse() const;

    /// A new connection outside the pool (migrations use it for plain-SQL scripts).
    /// Throws StoreException.
    Poco::Data::Session connect();

    /// `host=… port=… dbname=… user=…`, for messages.
    const std::string& description() const { return _target.description(); }

    /// `text` without the password, for messages that quote the driver.
    std::string redact(const std::string& text) const { return _target.redact(text); }

    /// redact(text) and, for the error that only a pooler in transaction or statement mode
    /// causes (SQLSTATE 26000: a statement prepared on one server connection executed on
    /// another), what to configure instead. For logging an error of the store.
    std::string explain(const std::string& text) const;

private:
    [[noreturn]] void fail(const std::string& what, const Poco::Exception& cause) const;

    StoreConfig _config;
    ConnectionString _target;
    std::unique_ptr<Poco::Data::SessionPool> _pool;
    std::unique_ptr<Poco::Data::SessionPool> _reserved; // null without reserved sessions
};

} // namespace courierd
