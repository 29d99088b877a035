#include "store/Migrator.h"

#include "store/Sql.h"
#include "util/Exceptions.h"

#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/DigestEngine.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Path.h>
#include <Poco/SHA1Engine.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <libpq-fe.h>
#include <map>
#include <memory>
#include <set>

namespace courierd
{

using namespace sql::store;

namespace
{

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string checksumOf(const std::string& sql)
{
    Poco::SHA1Engine sha1;
    sha1.update(sql);
    return Poco::DigestEngine::digestToHex(sha1.digest());
}

std::string trimmed(std::string text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

// The line of `sql` holding the 1-based character `position` PostgreSQL reports.
int lineAt(const std::string& sql, const char* position)
{
    if (!position)
        return 0;
    const auto offset = std::min<std::size_t>(std::stoul(position), sql.size());
    return 1 + static_cast<int>(std::count(sql.begin(), sql.begin() + offset, '\n'));
}

class Connection
{
public:
    explicit Connection(Poco::Data::Session& session)
    {
        auto* impl = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(session.impl());
        if (!impl)
            throw MigrationException("migrations need a direct PostgreSQL session");
        _conn = impl->handle();
    }

    // Runs `sql` (one or more statements); returns the result of the last one.
    Result run(const std::string& sql, const std::string& what, const std::string& script = {})
    {
        Result result(PQexec(_conn, sql.c_str()), &PQclear);
        check(result, what, script.empty() ? sql : script);
        return result;
    }

    Result query(const std::string& sql, const std::vector<std::string>& params,
                 const std::string& what)
    {
        std::vector<const char*> values;
        for (const auto& param : params)
            values.push_back(param.c_str());
        Result result(PQexecParams(_conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                   values.data(), nullptr, nullptr, 0),
                      &PQclear);
        check(result, what, sql);
        return result;
    }

    void rollback() { Result(PQexec(_conn, ROLLBACK.c_str()), &PQclear); }

private:
    void check(const Result& result, const std::string& what, const std::string& script)
    {
        const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
            return;
        std::string message;
        if (result)
        {
            const char* primary = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY);
            const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
            const int line =
                lineAt(script, PQresultErrorField(result.get(), PG_DIAG_STATEMENT_POSITION));
            message = (line ? "line " + std::to_string(line) + ": " : std::string()) +
                      (primary ? primary : trimmed(PQresultErrorMessage(result.get()))) +
                      (state ? std::string(" (SQLSTATE ") + state + ")" : std::string());
        }
        else
            message = trimmed(PQerrorMessage(_conn));
        rollback();
        throw MigrationException(what + ": " + message);
    }

    PGconn* _conn = nullptr;
};

} // namespace

Migrator::Migrator(std::vector<Migration> migrations)
    : _migrations(std::move(migrations))
{
    std::sort(_migrations.begin(), _migrations.end(),
              [](const Migration& a, const Migration& b) { return a.file < b.file; });
    std::set<std::string> versions;
    for (auto& migration : _migrations)
    {
        const auto digits = migration.file.find_first_not_of("0123456789");
        if (digits == 0 || digits == std::string::npos)
            throw MigrationException(migration.file +
                                     ": a migration's name starts with its version number, "
                                     "as in 0001_init.sql");
        migration.version = migration.file.substr(0, digits);
        if (!versions.insert(migration.version).second)
            throw MigrationException(migration.file + ": version " + migration.version +
                                     " is used by two migrations");
    }
}

std::vector<Migration> Migrator::fromDirectory(const std::string& directory)
{
    std::vector<Migration> migrations;
    for (Poco::DirectoryIterator it(directory), end; it != end; ++it)
    {
        if (it->isFile() && it.path().getExtension() == "sql")
        {
            Poco::FileInputStream in(it->path());
            std::string sql;
            Poco::StreamCopier::copyToString(in, sql);
            migrations.push_back({it.name(), {}, sql});
        }
    }
    return migrations;
}

std::vector<std::string> Migrator::apply(Poco::Data::Session& session, Poco::Logger& logger) const
{
    Connection db(session);
    // Created only where missing: a role that may read and write the tables but create
    // nothing (the schema migrated by its owner with --migrate) runs courierd too. Found by
    // DatabaseFaultsTest: CREATE TABLE IF NOT EXISTS needs the CREATE privilege even then.
    const auto exists = db.run(HAS_MIGRATIONS_TABLE, "schema_migrations");
    if (std::string(PQgetvalue(exists.get(), 0, 0)) != "t")
    {
        db.run(BEGIN, "schema_migrations");
        // IF NOT EXISTS would otherwise print a NOTICE when another courierd made it first.
        db.run(QUIET, "schema_migrations");
        db.run(LOCK, "schema_migrations");
        db.run(BOOTSTRAP, "schema_migrations");
        db.run(COMMIT, "schema_migrations");
    }

    std::map<std::string, std::string> applied;
    {
        auto rows = db.run(APPLIED, "schema_migrations");
        for (int row = 0; row < PQntuples(rows.get()); ++row)
            applied[PQgetvalue(rows.get(), row, 0)] = PQgetvalue(rows.get(), row, 1);
    }

    std::vector<std::string> done;
    for (const auto& migration : _migrations)
    {
        const std::string checksum = checksumOf(migration.sql);
        if (auto it = applied.find(migration.version); it != applied.end())
        {
            if (it->second != checksum)
                logger.warning("migration %s has changed since it was applied; changes to an "
                               "applied migration are not re-run (add a new migration instead)",
                               migration.file);
            continue;
        }

        db.run(BEGIN, migration.file);
        db.run(LOCK, migration.file);
        // Another courierd may have applied it while this one waited for the lock.
        auto rows = db.query(IS_APPLIED, {migration.version}, migration.file);
        if (PQntuples(rows.get()) > 0)
        {
            db.run(COMMIT, migration.file);
            continue;
        }
        db.run(migration.sql, "migration " + migration.file + " failed", migration.sql);
        db.query(RECORD, {migration.version, migration.file, checksum}, migration.file);
        db.run(COMMIT, migration.file);
        logger.information("applied migration %s", migration.file);
        done.push_back(migration.file);
    }
    return done;
}

} // namespace courierd
