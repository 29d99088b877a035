#include "HttpCall.h"
#include "Installation.h"
#include "TestFiles.h"
#include "Wait.h"
#include "store/Database.h"

#include <Poco/Data/Session.h>
#include <Poco/JSON/Array.h>
#include <Poco/Process.h>
#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <functional>
#include <iostream>

using namespace courierd;
using namespace courierd::test;
using namespace std::chrono_literals;
using namespace Poco::Data::Keywords;

namespace
{

// A fault the database puts in courierd's way, and how it is cleared.
struct Fault
{
    std::string what;
    std::function<void(Installation&)> inject;
    std::string error; ///< What the source's last_error must say.
    std::function<void(Installation&)> clear;
    std::function<std::vector<std::string>(Installation&)> before; ///< Optional: runs before
                                                                   ///< courierd starts; returns
                                                                   ///< its extra arguments.
};

// Orders wait at the source while the fault lasts: the error names what is wrong, courierd
// stays up, and once the fault is cleared every order is delivered once.
void namedAndNothingLost(const Fault& fault)
{
    Installation site(40);
    for (int i = 0; i < 10; ++i)
        site.fake.addOrder("created");
    auto daemon = site.start(fault.before ? fault.before(site) : std::vector<std::string>{});
    CPPUNIT_ASSERT(site.reaches(DELIVERIES, 10));
    const unsigned short port = Installation::adminPort(*daemon);

    fault.inject(site);
    for (int i = 0; i < 10; ++i)
        site.fake.addOrder("created");
    CPPUNIT_ASSERT_MESSAGE(
        fault.what + ": last_error '" + Installation::lastError(port, "orders") + "'\n" +
            daemon->output().substr(0, 3000),
        waitFor(
            [&] {
                return Installation::lastError(port, "orders").find(fault.error) !=
                       std::string::npos;
            },
            60s));
    std::cout << "\n"
              << fault.what << ": " << Installation::lastError(port, "orders").substr(0, 300)
              << std::endl;
    CPPUNIT_ASSERT_MESSAGE(fault.what + ": courierd exited", !daemon->waitForExit(0ms));
    CPPUNIT_ASSERT_EQUAL(Poco::Int64(10), site.count(DELIVERIES));

    fault.clear(site);
    CPPUNIT_ASSERT_MESSAGE(fault.what + "\n" + daemon->output().substr(0, 3000),
                           site.reaches(DELIVERIES, 20, 60s));
    const auto violated = site.violatedAtRest();
    CPPUNIT_ASSERT_MESSAGE(fault.what + ": " + joined(violated), violated.empty());
    daemon->signal(SIGTERM);
    CPPUNIT_ASSERT_EQUAL(0, daemon->waitForExit(30s).value_or(-1));
}

} // namespace

// What an operator's database can do wrong under a running courierd, from the real binary.
class DatabaseFaultsTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(DatabaseFaultsTest);
    CPPUNIT_TEST(aMissingPrivilege);
    CPPUNIT_TEST(aDroppedColumn);
    CPPUNIT_TEST(aFullDisk);
    CPPUNIT_TEST(aStatementTimeout);
    CPPUNIT_TEST_SUITE_END();

public:
    // courierd's own role (not a superuser), with every privilege it needs but one, taken
    // away while it runs.
    void aMissingPrivilege()
    {
        const std::string role = "courierd_limited_" + std::to_string(Poco::Process::id());
        namedAndNothingLost(
            {"INSERT on inbox revoked",
             [&](Installation& site) { site.db().execute("REVOKE INSERT ON inbox FROM " + role); },
             "permission denied for table inbox",
             [&](Installation& site) { site.db().execute("GRANT INSERT ON inbox TO " + role); },
             [&](Installation& site)
             {
                 site.db().execute("DROP ROLE IF EXISTS " + role + "; CREATE ROLE " + role +
                                   " LOGIN PASSWORD 'limited'; GRANT SELECT, INSERT, UPDATE, "
                                   "DELETE ON ALL TABLES IN SCHEMA public TO " +
                                   role + "; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " +
                                   role);
                 return std::vector<std::string>{"--set", "store.url=" + site.db().url() +
                                                              " user=" + role +
                                                              " password=limited"};
             }});
    }

    void aDroppedColumn()
    {
        namedAndNothingLost({"inbox.reason dropped",
                             [](Installation& site)
                             { site.db().execute("ALTER TABLE inbox DROP COLUMN reason"); },
                             "column \"reason\" of relation \"inbox\" does not exist",
                             [](Installation& site)
                             { site.db().execute("ALTER TABLE inbox ADD COLUMN reason text"); },
                             {}});
    }

    // What PostgreSQL answers when its disk is full (SQLSTATE 53100), raised where the inbox
    // grows: a tablespace cannot be made small, and temp_file_limit bounds only temporary files.
    void aFullDisk()
    {
        namedAndNothingLost(
            {"disk full",
             [](Installation& site)
             {
                 site.db().execute(
                     "CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                     "RAISE EXCEPTION USING ERRCODE = 'disk_full', MESSAGE = 'could not extend "
                     "file \"base/16384/16400\": No space left on device'; END $$; "
                     "CREATE TRIGGER full_disk BEFORE INSERT ON inbox FOR EACH ROW EXECUTE "
                     "FUNCTION full_disk()");
             },
             "No space left on device",
             [](Installation& site)
             { site.db().execute("DROP TRIGGER full_disk ON inbox; DROP FUNCTION full_disk()"); },
             {}});
    }

    // A lock held past statement_timeout (set for courierd's role in its database).
    void aStatementTimeout()
    {
        std::unique_ptr<Database> holder;
        std::unique_ptr<Poco::Data::Session> locked;
        namedAndNothingLost({"statement timeout",
                             [&](Installation& site)
                             {
                                 site.db().execute("ALTER DATABASE " + site.db().name() +
                                                   " SET statement_timeout = '1s'");
                                 // New sessions only: the pool's sessions keep theirs, so end them.
                                 site.db().execute(
                                     "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE datname = current_database() AND pid <> "
                                     "pg_backend_pid()");
                                 holder = std::make_unique<Database>(site.db().store(1));
                                 locked = std::make_unique<Poco::Data::Session>(holder->session());
                                 locked->begin();
                                 *locked << "SET LOCAL statement_timeout = 0", now;
                                 *locked << "LOCK TABLE inbox IN ACCESS EXCLUSIVE MODE", now;
                             },
                             "canceling statement due to statement timeout",
                             [&](Installation&)
                             {
                                 locked->rollback();
                                 locked.reset();
                             },
                             {}});
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DatabaseFaultsTest);
