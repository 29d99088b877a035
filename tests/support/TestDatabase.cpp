#include "TestDatabase.h"

#include <Poco/Exception.h>
#include <Poco/Process.h>

#include <atomic>
#include <libpq-fe.h>
#include <memory>

namespace courierd::test
{

namespace
{

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

Connection connectTo(const std::string& conninfo)
{
    Connection conn(PQconnectdb(conninfo.c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw Poco::IOException("the tests need a PostgreSQL reachable through the PG* "
                                "variables (run them with the README's test command): " +
                                std::string(PQerrorMessage(conn.get())));
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
    return conn;
}

Result run(PGconn* conn, const std::string& sql)
{
    Result result(PQexec(conn, sql.c_str()), &PQclear);
    const auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw Poco::IOException(sql.substr(0, 200) + ": " + PQerrorMessage(conn));
    return result;
}

} // namespace

TestDatabase::TestDatabase(const std::string& tag, const std::string& encoding)
{
    static std::atomic<int> counter{0};
    _name = "courierd_test_" + tag + "_" + std::to_string(Poco::Process::id()) + "_" +
            std::to_string(++counter);
    auto admin = connectTo("");
    run(admin.get(), "DROP DATABASE IF EXISTS " + _name);
    run(admin.get(),
        "CREATE DATABASE " + _name +
            (encoding.empty()
                 ? std::string()
                 : " ENCODING '" + encoding + "' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"));
}

TestDatabase::~TestDatabase()
{
    try
    {
        auto admin = connectTo("");
        run(admin.get(), "DROP DATABASE IF EXISTS " + _name + " WITH (FORCE)");
    }
    catch (const Poco::Exception&)
    {
        // A database left behind lives only as long as the throw-away cluster.
    }
}

StoreConfig TestDatabase::store(int poolSize) const
{
    StoreConfig config = EngineConfig::defaults().store;
    config.url = url();
    config.poolSize = poolSize;
    config.connectTimeout = std::chrono::seconds(5);
    return config;
}

void TestDatabase::execute(const std::string& sql) const
{
    auto conn = connectTo(url());
    run(conn.get(), sql);
}

std::string TestDatabase::text(const std::string& sql) const
{
    auto conn = connectTo(url());
    auto result = run(conn.get(), sql);
    if (PQntuples(result.get()) == 0 || PQgetisnull(result.get(), 0, 0))
        return {};
    return PQgetvalue(result.get(), 0, 0);
}

std::vector<std::string> TestDatabase::column(const std::string& sql) const
{
    auto conn = connectTo(url());
    auto result = run(conn.get(), sql);
    std::vector<std::string> values;
    for (int row = 0; row < PQntuples(result.get()); ++row)
        values.emplace_back(PQgetvalue(result.get(), row, 0));
    return values;
}

Poco::Int64 TestDatabase::scalar(const std::string& sql) const
{
    auto conn = connectTo(url());
    auto result = run(conn.get(), sql);
    if (PQntuples(result.get()) == 0 || PQgetisnull(result.get(), 0, 0))
        return 0;
    return std::stoll(PQgetvalue(result.get(), 0, 0));
}

} // namespace courierd::test
