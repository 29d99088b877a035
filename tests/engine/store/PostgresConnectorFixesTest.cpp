#include "TestDatabase.h"
#include "store/Database.h"
#include "util/Exceptions.h"

#include <cppunit/extensions/HelperMacros.h>

#include <iostream>
#include <malloc.h>

using namespace courierd;
using courierd::test::TestDatabase;

namespace
{

// Bytes the allocator has handed out and not had back, over every arena.
long allocatedBytes()
{
    const struct mallinfo2 info = ::mallinfo2();
    return static_cast<long>(info.uordblks + info.hblkhd);
}

} // namespace

// POCO 1.11's PostgreSQL connector leaked a PGconn for every failed and every broken
// connection (engine/store/PostgresConnectorFixes.cpp carries the upstream fixes). Measured with
// the allocator's own count, in this process, through the engine's Database.
class PostgresConnectorFixesTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(PostgresConnectorFixesTest);
    CPPUNIT_TEST(failedConnectionAttemptsLeakNothing);
    CPPUNIT_TEST(brokenPooledConnectionsLeakNothing);
    CPPUNIT_TEST_SUITE_END();

public:
    // A database that refuses connections, as during an outage: before, ~35 KB per attempt.
    void failedConnectionAttemptsLeakNothing()
    {
        StoreConfig config = EngineConfig::defaults().store;
        config.url = "host=127.0.0.1 port=1 dbname=none";
        config.poolSize = 4;
        config.connectTimeout = std::chrono::seconds(2);
        Database database(config);
        const auto attempt = [&] { CPPUNIT_ASSERT_THROW(database.session(), StoreException); };
        for (int i = 0; i < 20; ++i)
            attempt();
        const long before = allocatedBytes();
        for (int i = 0; i < 300; ++i)
            attempt();
        const long grown = allocatedBytes() - before;
        std::cout << "\n300 failed connection attempts: " << grown / 1024
                  << " KiB more allocated\n";
        CPPUNIT_ASSERT_MESSAGE(std::to_string(grown), grown < 256 * 1024);
    }

    // Connections killed on the server, as a crash or pg_terminate_backend does: before, each
    // broken pooled connection kept its PGconn and buffers.
    void brokenPooledConnectionsLeakNothing()
    {
        TestDatabase db("connector");
        Database database(db.store(2));
        using namespace Poco::Data::Keywords;
        const auto breakOne = [&]
        {
            auto session = database.session();
            int pid = 0;
            session << "SELECT pg_backend_pid()", into(pid), now;
            db.execute("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
            const auto select = [&]
            {
                int one = 0;
                session << "SELECT 1", into(one), now;
            };
            CPPUNIT_ASSERT_THROW(select(), Poco::Exception);
        };
        for (int i = 0; i < 5; ++i)
            breakOne();
        const long before = allocatedBytes();
        for (int i = 0; i < 50; ++i)
            breakOne();
        const long grown = allocatedBytes() - before;
        std::cout << "\n50 broken pooled connections: " << grown / 1024 << " KiB more allocated\n";
        CPPUNIT_ASSERT_MESSAGE(std::to_string(grown), grown < 256 * 1024);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresConnectorFixesTest);
