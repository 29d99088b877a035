#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Logger.h>

#include <string>
#include <vector>

namespace courierd
{

/// One SQL file of `migrations/`.
struct Migration
{
    std::string file;    ///< `0001_init.sql`
    std::string version; ///< `0001`: the leading digits, recorded in schema_migrations.
    std::string sql;     ///< The whole file; may hold many statements.
};

/// Brings a database's schema up to date. Migrations run in version order, each in its own
/// transaction, and are recorded in `schema_migrations`. Concurrent migrators (several
/// courierd starting at once) serialize on a transaction-scoped advisory lock, so each
/// migration is applied exactly once; running again is a no-op.
class Migrator
{
public:
    /// Throws MigrationException for a file name without a version or two files with one.
    explicit Migrator(std::vector<Migration> migrations);

    /// The migrations compiled into this binary from `migrations/`.
    static std::vector<Migration> builtIn();

    /// Every `*.sql` file of `directory` (tests and tools).
    static std::vector<Migration> fromDirectory(const std::string& directory);

    /// Applies what `session`'s database lacks and returns the files applied. `session` must
    /// be a direct PostgreSQL session (Database::connect()), not a pooled one. Throws
    /// MigrationException naming the file, the line and the database's error; the failing
    /// migration is rolled back and the ones before it stay applied. Warns through `logger`
    /// when an applied file has changed since.
    std::vector<std::string> apply(Poco::Data::Session& session, Poco::Logger& logger) const;

    const std::vector<Migration>& migrations() const { return _migrations; }

private:
    std::vector<Migration> _migrations;
};

} // namespace courierd
