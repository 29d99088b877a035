#include "store/Migrator.h"

#include "TestDatabase.h"
#include "store/Database.h"
#include "util/Exceptions.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Logger.h>
#include <Poco/TemporaryFile.h>
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <thread>

using namespace courierd;
using courierd::test::TestDatabase;

namespace
{

// A migrations directory of its own, removed with the object.
class MigrationsDir
{
public:
    MigrationsDir() { _dir.createDirectories(); }
    ~MigrationsDir() { _dir.remove(true); }
    void add(const std::string& name, const std::string& sql)
    {
        Poco::FileOutputStream out(_dir.path() + "/" + name);
        out << sql;
    }
    std::string path() const { return _dir.path(); }

private:
    Poco::TemporaryFile _dir;
};

Poco::Logger& logger()
{
    return Poco::Logger::get("test.migrator");
}

} // namespace

class MigratorTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(MigratorTest);
    CPPUNIT_TEST(appliesBuiltInMigrationsToAnEmptyDatabase);
    CPPUNIT_TEST(runningAgainIsANoOp);
    CPPUNIT_TEST(brokenMigrationNamesFileLineAndError);
    CPPUNIT_TEST(concurrentMigratorsApplyEachMigrationOnce);
    CPPUNIT_TEST(fileNameWithoutVersionIsRefused);
    CPPUNIT_TEST(duplicateVersionIsRefused);
    CPPUNIT_TEST(theDeliveryKeyMigrationRepairsOrdersOfCollidingSources);
    CPPUNIT_TEST_SUITE_END();

public:
    void appliesBuiltInMigrationsToAnEmptyDatabase()
    {
        TestDatabase db("migrator");
        Database database(db.store());
        auto session = database.connect();
        const auto applied = Migrator(Migrator::builtIn()).apply(session, logger());
        CPPUNIT_ASSERT(!applied.empty());
        CPPUNIT_ASSERT_EQUAL(std::string("0001_init.sql"), applied.front());
        for (const char* table : {"couriers", "deliveries", "source_cursors", "inbox"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(table, Poco::Int64(1),
                                         db.scalar(std::string("SELECT count(*) FROM "
                                                               "pg_tables WHERE tablename = '") +
                                                   table + "'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             db.scalar("SELECT count(*) FROM pg_indexes WHERE indexname = "
                                       "'deliveries_source_order_id_key'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(applied.size()),
                             db.scalar("SELECT count(*) FROM schema_migrations"));
    }

    void runningAgainIsANoOp()
    {
        TestDatabase db("migrator");
        Database database(db.store());
        auto session = database.connect();
        const Migrator migrator(Migrator::builtIn());
        const auto first = migrator.apply(session, logger());
        db.execute("INSERT INTO couriers (name, transport_type) VALUES ('kept', 'car')");
        const auto second = migrator.apply(session, logger());
        CPPUNIT_ASSERT(second.empty());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(first.size()),
                             db.scalar("SELECT count(*) FROM schema_migrations"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), db.scalar("SELECT count(*) FROM couriers"));
    }

    void brokenMigrationNamesFileLineAndError()
    {
        TestDatabase db("migrator");
        MigrationsDir dir;
        dir.add("0001_good.sql", "CREATE TABLE good (id int);\n");
        dir.add("0002_broken.sql",
                "CREATE TABLE half (id int);\n-- a comment\nCREATE TABLEE oops;\n");
        dir.add("0003_later.sql", "CREATE TABLE later (id int);\n");
        Database database(db.store());
        auto session = database.connect();
        try
        {
            Migrator(Migrator::fromDirectory(dir.path())).apply(session, logger());
            CPPUNIT_FAIL("no exception");
        }
        catch (const MigrationException& e)
        {
            const std::string message = e.message();
            CPPUNIT_ASSERT_MESSAGE(message, message.find("0002_broken.sql") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(message, message.find("line 3") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(message, message.find("syntax error") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(message, message.find("42601") != std::string::npos);
        }
        // The good one stays; the broken one left nothing half-done; the later one never ran.
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), db.scalar("SELECT count(*) FROM schema_migrations"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1),
                             db.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'good'"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0),
                             db.scalar("SELECT count(*) FROM pg_tables WHERE tablename IN "
                                       "('half', 'later')"));
    }

    void concurrentMigratorsApplyEachMigrationOnce()
    {
        TestDatabase db("migrator");
        MigrationsDir dir;
        // Not idempotent on purpose: a second application would fail.
        dir.add("0001_a.sql", "CREATE TABLE a (id int); SELECT pg_sleep(0.2);");
        dir.add("0002_b.sql", "CREATE TABLE b (id int);");
        dir.add("0003_c.sql", "INSERT INTO a VALUES (1);");
        const Migrator migrator(Migrator::fromDirectory(dir.path()));
        Database database(db.store());

        constexpr int PROCESSES = 4;
        std::atomic<int> appliedTotal{0};
        std::atomic<int> errors{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < PROCESSES; ++i)
            threads.emplace_back(
                [&]
                {
                    try
                    {
                        auto session = database.connect();
                        appliedTotal += static_cast<int>(migrator.apply(session, logger()).size());
                    }
                    catch (const Poco::Exception&)
                    {
                        ++errors;
                    }
                });
        for (auto& thread : threads)
            thread.join();
        CPPUNIT_ASSERT_EQUAL(0, errors.load());
        CPPUNIT_ASSERT_EQUAL(3, appliedTotal.load());
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), db.scalar("SELECT count(*) FROM a"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(3), db.scalar("SELECT count(*) FROM schema_migrations"));
    }

    void fileNameWithoutVersionIsRefused()
    {
        CPPUNIT_ASSERT_THROW(Migrator({{"init.sql", {}, "SELECT 1"}}), MigrationException);
    }

    void duplicateVersionIsRefused()
    {
        try
        {
            Migrator({{"0001_a.sql", {}, "SELECT 1"}, {"0001_b.sql", {}, "SELECT 1"}});
            CPPUNIT_FAIL("no exception");
        }
        catch (const MigrationException& e)
        {
            CPPUNIT_ASSERT(e.message().find("0001") != std::string::npos);
        }
    }

    // Under the old key, source west's order 7 was marked assigned with east's delivery of
    // order 7. The migration to (source, order_id) puts it back to pending and names the
    // busy courier's source.
    void theDeliveryKeyMigrationRepairsOrdersOfCollidingSources()
    {
        TestDatabase db("migrator");
        Database database(db.store());
        auto session = database.connect();
        std::vector<Migration> before, all = Migrator::builtIn();
        for (const auto& migration : all)
            if (migration.file < "0003")
                before.push_back(migration);
        Migrator(before).apply(session, logger());
        db.execute("INSERT INTO couriers (name, transport_type, status, active_order_id, "
                   "busy_until, delivery_count) VALUES ('c', 'car', 'busy', '7', "
                   "now() + interval '1 hour', 1);"
                   "INSERT INTO deliveries (courier_id, order_id, source, deadline) "
                   "SELECT id, '7', 'east', now() + interval '1 hour' FROM couriers;"
                   "INSERT INTO inbox (source, record_id, payload, state) VALUES "
                   "('east', '7', '{}', 'assigned'), ('west', '7', '{}', 'assigned')");
        Migrator(all).apply(session, logger());
        CPPUNIT_ASSERT_EQUAL(std::string("assigned"),
                             db.text("SELECT state FROM inbox WHERE source = 'east'"));
        CPPUNIT_ASSERT_EQUAL(std::string("pending"),
                             db.text("SELECT state FROM inbox WHERE source = 'west'"));
        CPPUNIT_ASSERT_EQUAL(std::string("east"), db.text("SELECT active_source FROM couriers"));
        // West's order 7 now gets a delivery of its own.
        db.execute("INSERT INTO deliveries (courier_id, order_id, source, deadline) "
                   "SELECT id, '7', 'west', now() + interval '1 hour' FROM couriers");
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), db.scalar("SELECT count(*) FROM deliveries"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MigratorTest);
