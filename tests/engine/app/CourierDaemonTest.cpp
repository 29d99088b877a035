#include "DaemonProcess.h"
#include "NotifySocket.h"
#include "TestDatabase.h"
#include "TestFiles.h"
#include "config/EngineConfig.h"
#include "sources/PluginHost.h"
#include "sources/SourceCatalog.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/TemporaryFile.h>
#include <cppunit/extensions/HelperMacros.h>

#include <csignal>
#include <fstream>
#include <libpq-fe.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace courierd;
using namespace std::chrono_literals;
using courierd::test::contains;
using courierd::test::DaemonProcess;
using courierd::test::NotifySocket;
using courierd::test::TempFile;
using courierd::test::TestDatabase;

namespace
{

// What the migrations create: couriers, deliveries, source_cursors, inbox, source_leases,
// inbox_counts, source_controls, source_freshness, cursor_history, source_retention, replays,
// instances, unassignments, and schema_migrations itself.
constexpr Poco::Int64 TABLES = 14;

Poco::Int64 tableCount(const TestDatabase& db)
{
    return db.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
}

} // namespace

class CourierDaemonTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(CourierDaemonTest);
    CPPUNIT_TEST(versionAndHelp);
    CPPUNIT_TEST(unknownOptionIsAUsageError);
    CPPUNIT_TEST(checkConfigAcceptsAGoodFileAndTouchesNothing);
    CPPUNIT_TEST(checkConfigNamesFileKeyAndValue);
    CPPUNIT_TEST(aConfigOrPluginThatIsNotARegularFileIsAConfigError);
    CPPUNIT_TEST(aPluginCutShortOrOpenToOthersIsAConfigError);
    CPPUNIT_TEST(environmentOverridesTheFile);
    CPPUNIT_TEST(everyBadConfigurationExits78NamingWhere);
    CPPUNIT_TEST(migrateAppliesTheSchemaAndExits);
    CPPUNIT_TEST(failingMigrationStopsStartUp);
    CPPUNIT_TEST(runsUntilSigtermThenExitsZero);
    CPPUNIT_TEST(tellsSystemdWhenReadyAndWhenStopping);
    CPPUNIT_TEST(pingsTheWatchdogOnlyWhileThePipelineIsAlive);
    CPPUNIT_TEST(unreachableDatabaseIsNamedWithoutPassword);
    CPPUNIT_TEST_SUITE_END();

public:
    void versionAndHelp()
    {
        std::string output;
        CPPUNIT_ASSERT_EQUAL(0, DaemonProcess::run({"--version"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "courierd 0."));
        CPPUNIT_ASSERT_EQUAL(0, DaemonProcess::run({"--help"}, output));
        for (const char* part : {"--config", "--check-config", "--migrate", "--set", "store.url",
                                 "COURIERD_ASSIGNMENT_DEADLINE_CAR"})
            CPPUNIT_ASSERT_MESSAGE(part, contains(output, part));
    }

    void unknownOptionIsAUsageError()
    {
        std::string output;
        // POCO rejects unknown options itself, with EXIT_CONFIG.
        CPPUNIT_ASSERT_EQUAL(78, DaemonProcess::run({"--frobnicate"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "Unknown option specified: frobnicate"));
        CPPUNIT_ASSERT_EQUAL(64, DaemonProcess::run({"stray"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "unexpected argument 'stray'"));
        CPPUNIT_ASSERT_EQUAL(64, DaemonProcess::run({"--set", "novalue"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "KEY=VALUE"));
    }

    void checkConfigAcceptsAGoodFileAndTouchesNothing()
    {
        TestDatabase db("daemon");
        TempFile config(".ini", "[store]\nurl = " + db.url() + "\n");
        std::string output;
        CPPUNIT_ASSERT_EQUAL(
            0, DaemonProcess::run({"--config", config.path(), "--check-config"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "configuration OK"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), tableCount(db));
        // Not even a reachable database is needed.
        CPPUNIT_ASSERT_EQUAL(0, DaemonProcess::run({"--config", config.path(), "--check-config",
                                                    "--set", "store.url=host=127.0.0.1 port=1"},
                                                   output));
    }

    void checkConfigNamesFileKeyAndValue()
    {
        TempFile config(".ini", "[store]\npool_size = many\n[assignment]\ndeadline.scooter = 15\n"
                                "[pipline]\nworkers = 2\n");
        std::string output;
        CPPUNIT_ASSERT_EQUAL(
            78, DaemonProcess::run({"--config", config.path(), "--check-config"}, output));
        for (const std::string& part : {config.path() + ": store.pool_size = 'many'",
                                        config.path() + ": assignment.deadline.scooter = '15'",
                                        std::string("unknown section [pipline]")})
            CPPUNIT_ASSERT_MESSAGE(output, contains(output, part));
        CPPUNIT_ASSERT_EQUAL(78, DaemonProcess::run({"--config", "/nonexistent.ini"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "/nonexistent.ini"));
        // Found by hostile testing: these passed --check-config and failed only at start.
        for (const std::string& listen :
             {std::string("notahost"), std::string("127.0.0.1:99999"), std::string("127.0.0.1")})
        {
            CPPUNIT_ASSERT_EQUAL(
                78,
                DaemonProcess::run({"--check-config", "--set", "admin.listen=" + listen}, output));
            CPPUNIT_ASSERT_MESSAGE(output, contains(output, "admin.listen = '" + listen + "'"));
        }
    }

    // Found by hostile testing: a directory as the config file hung courierd at 97% CPU (POCO's
    // INI reader loops on EISDIR) where only SIGKILL stopped it; a FIFO blocked it.
    void aConfigOrPluginThatIsNotARegularFileIsAConfigError()
    {
        const Poco::TemporaryFile dir;
        Poco::File(dir.path()).createDirectories();
        const std::string fifo = Poco::TemporaryFile::tempName();
        CPPUNIT_ASSERT_EQUAL(0, ::mkfifo(fifo.c_str(), 0600));
        const std::pair<std::string, std::string> cases[] = {
            {dir.path(), "is a directory, not a file"},
            {fifo, "is not a regular file"},
            {"/dev/zero", "is not a regular file"},
        };
        std::string output;
        for (const auto& [path, problem] : cases)
        {
            const Poco::Timestamp started;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(
                output, 78, DaemonProcess::run({"--config", path, "--check-config"}, output));
            CPPUNIT_ASSERT_MESSAGE(output, contains(output, path + ": " + problem));
            CPPUNIT_ASSERT(started.elapsed() < 10'000'000);
        }
        TempFile config(".ini", "[source.odd]\nplugin = " + fifo + "\n");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            output, 78, DaemonProcess::run({"--config", config.path(), "--check-config"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, fifo + " is not a regular file"));
        Poco::File(fifo).remove();
    }

    // Issue 19, defects 2 and 8: --check-config aborted with SIGBUS on a plugin cut short, and
    // accepted plugin files anyone could write.
    void aPluginCutShortOrOpenToOthersIsAConfigError()
    {
        const Poco::TemporaryFile dir;
        Poco::File(dir.path()).createDirectories();
        ::chmod(dir.path().c_str(), 0755);
        const std::string plugin = dir.path() + "/service-order.so";
        {
            std::ifstream in(std::string(COURIERD_PLUGIN_BUILD_DIR) + "/service-order.so",
                             std::ios::binary);
            std::string whole((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
            std::ofstream(plugin, std::ios::binary).write(whole.data(), 50000);
        }
        TempFile config(".ini", "[plugins]\ndir = " + dir.path() +
                                    "\n[source.shop]\nplugin = service-order\n");
        std::string output;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            output, 78, DaemonProcess::run({"--config", config.path(), "--check-config"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, plugin + ": is cut short"));

        Poco::File(std::string(COURIERD_PLUGIN_BUILD_DIR) + "/service-order.so").copyTo(plugin);
        ::chmod(plugin.c_str(), 0666);
        const std::map<std::string, std::string> strict{
            {"COURIERD_PLUGINS_STRICT_PERMISSIONS", "true"}};
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            output, 78,
            DaemonProcess::run({"--config", config.path(), "--check-config"}, output, strict));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, plugin + ": is writable by others"));
        ::chmod(plugin.c_str(), 0644);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            output, 0,
            DaemonProcess::run({"--config", config.path(), "--check-config"}, output, strict));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            output, 78,
            DaemonProcess::run({"--config", config.path(), "--check-config"}, output,
                               {{"COURIERD_PLUGINS_STRICT_PERMISSIONS", "yes"}}));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "plugins.strict_permissions = 'yes'"));
    }

    // The matrix: every key of the engine and of service-order with a value of the wrong type
    // or out of range (of every type a ConfigMap binds), and files that are empty, binary,
    // unreadable or have a 10 MB line.
    void everyBadConfigurationExits78NamingWhere()
    {
        std::vector<std::string> wrong;
        const auto refused = [&](const std::string& text, const std::string& part)
        {
            TempFile config(".ini", text);
            std::string output;
            const int code =
                DaemonProcess::run({"--config", config.path(), "--check-config"}, output);
            if (code != 78 || !contains(output, config.path()) || !contains(output, part))
                wrong.push_back(std::to_string(code) + " for " + text.substr(0, 120) + ": " +
                                output.substr(0, 300));
        };
        const auto badValues = [](const ConfigKey& key)
        {
            switch (key.type)
            {
            case ConfigType::Integer:
                return std::vector<std::string>{"eight", "1.5", "99999999999999999999999",
                                                std::to_string(key.minimum - 1)};
            case ConfigType::Duration:
                return std::vector<std::string>{"fast", "5", "-1s", "99999999999h"};
            case ConfigType::Boolean:
                return std::vector<std::string>{"yes", "1", "TRUE"};
            case ConfigType::Time:
                return std::vector<std::string>{"2026-11-24", "yesterday"};
            case ConfigType::Enumeration:
                return std::vector<std::string>{"nope", key.values.front() + "s"};
            case ConfigType::List:
                return key.values.empty() ? std::vector<std::string>{}
                                          : std::vector<std::string>{"bogus", "a,b"};
            case ConfigType::Secret:
                return std::vector<std::string>{"/nonexistent/secret", "/"};
            default:
                return std::vector<std::string>{};
            }
        };
        for (const auto& key : EngineConfig::schema())
        {
            // DaemonProcess sets it in the environment, which beats the file: the test above
            // gives it bad values there.
            if (key.name == "plugins.strict_permissions")
                continue;
            const auto dot = key.name.find('.');
            for (const auto& value : badValues(key))
                refused("[" + key.name.substr(0, dot) + "]\n" + key.name.substr(dot + 1) + " = " +
                            value + "\n",
                        key.name + " = '" + value + "'");
        }
        PluginHost host(COURIERD_PLUGIN_BUILD_DIR);
        host.load("service-order");
        const std::string source = "[source.orders]\nplugin = service-order\n";
        for (const auto& key : host.create("service-order").settings())
            for (const auto& value : badValues(key))
                refused(source + key.name + " = " + value + "\n",
                        "source.orders." + key.name + " = '" + value + "'");
        for (const auto& key : SourceCatalog::engineKeys("orders"))
            for (const auto& value : badValues(key))
                refused(source + key.name.substr(std::string("source.orders.").size()) + " = " +
                            value + "\n",
                        key.name + " = '" + value + "'");
        // Issue 19, defect 3: a retention shorter than the look-back lost orders silently.
        refused("[retention]\ninbox = 1ms\n", "retention.inbox = 1ms would delete orders");
        refused(source + "base_url = http://127.0.0.1:1\nlookback = 3h\n[retention]\ninbox = 5h\n",
                "at least 6h10m");
        refused("", "is empty");
        refused("; only a comment\n\n", "is empty");
        std::string binary;
        for (int i = 0; i < 4096; ++i)
            binary += static_cast<char>((i * 7919) % 256);
        refused(binary, "unknown");
        refused("[store]\nurl = " + std::string(10 << 20, 'u') + "\n", "larger than 4194304 bytes");
        CPPUNIT_ASSERT_MESSAGE(courierd::test::joined(wrong), wrong.empty());

        // A file that cannot be read, even by root: /proc/self/mem fails with EIO.
        std::string output;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            output, 78,
            DaemonProcess::run({"--config", "/proc/self/mem", "--check-config"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "/proc/self/mem"));
    }

    void environmentOverridesTheFile()
    {
        TempFile config(".ini", "[assignment]\ndeadline.car = 5m\n");
        std::string output;
        CPPUNIT_ASSERT_EQUAL(
            78, DaemonProcess::run({"--config", config.path(), "--check-config"}, output,
                                   {{"COURIERD_ASSIGNMENT_DEADLINE_CAR", "soon"}}));
        CPPUNIT_ASSERT_MESSAGE(output,
                               contains(output, "environment COURIERD_ASSIGNMENT_DEADLINE_CAR"));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "'soon'"));
    }

    void migrateAppliesTheSchemaAndExits()
    {
        TestDatabase db("daemon");
        std::string output;
        CPPUNIT_ASSERT_EQUAL(
            0, DaemonProcess::run({"--migrate", "--set", "store.url=" + db.url()}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "applied migration 0001_init.sql"));
        CPPUNIT_ASSERT_EQUAL(TABLES, tableCount(db));
        CPPUNIT_ASSERT_EQUAL(
            0, DaemonProcess::run({"--migrate", "--set", "store.url=" + db.url()}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "0 migration(s) applied now"));
    }

    void failingMigrationStopsStartUp()
    {
        TestDatabase db("daemon");
        db.execute("CREATE TABLE couriers (id int)");
        std::string output;
        CPPUNIT_ASSERT_EQUAL(65, DaemonProcess::run({"--set", "store.url=" + db.url()}, output));
        for (const char* part : {"0001_init.sql", "relation \"couriers\" already exists", "42P07"})
            CPPUNIT_ASSERT_MESSAGE(output, contains(output, part));
        CPPUNIT_ASSERT_MESSAGE(output, !contains(output, "courierd ready"));
        CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), db.scalar("SELECT count(*) FROM schema_migrations"));
    }

    // The notify protocol, with a socket of the test's own as NOTIFY_SOCKET (no systemd runs
    // here): READY=1 once ready, STOPPING=1 on SIGTERM.
    void tellsSystemdWhenReadyAndWhenStopping()
    {
        NotifySocket systemd;
        TestDatabase db("daemon");
        DaemonProcess daemon({"--set", "store.url=" + db.url()},
                             {{"NOTIFY_SOCKET", systemd.path()}});
        const std::string ready = systemd.receive();
        CPPUNIT_ASSERT_MESSAGE(ready, contains(ready, "READY=1"));
        CPPUNIT_ASSERT_MESSAGE(
            ready, contains(ready, "STATUS=0 source(s); 0 pending, 0 assigned; 0 assigned by "
                                   "this process"));
        CPPUNIT_ASSERT(daemon.waitForOutput("courierd ready"));
        daemon.signal(SIGTERM);
        const std::string stopping = systemd.receive();
        CPPUNIT_ASSERT_MESSAGE(stopping, contains(stopping, "STOPPING=1"));
        CPPUNIT_ASSERT_EQUAL(0, daemon.waitForExit().value_or(-1));
    }

    // WatchdogSec=2s: pings every second while the workers and timers are alive; none while an
    // assignment worker is wedged (here on a lock an operator's session holds), and again
    // once it is free.
    void pingsTheWatchdogOnlyWhileThePipelineIsAlive()
    {
        NotifySocket systemd;
        TestDatabase db("daemon");
        DaemonProcess daemon({"--set", "store.url=" + db.url(), "--set", "pipeline.workers=1"},
                             {{"NOTIFY_SOCKET", systemd.path()}, {"WATCHDOG_USEC", "2000000"}});
        CPPUNIT_ASSERT(!systemd.waitFor("READY=1").empty());
        for (int i = 0; i < 3; ++i)
            CPPUNIT_ASSERT_MESSAGE(daemon.output(), !systemd.waitFor("WATCHDOG=1", 5s).empty());

        std::unique_ptr<PGconn, decltype(&PQfinish)> operatorSession(PQconnectdb(db.url().c_str()),
                                                                     &PQfinish);
        const auto run = [&](const char* sql)
        {
            std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(operatorSession.get(), sql),
                                                                 &PQclear);
            CPPUNIT_ASSERT_MESSAGE(PQerrorMessage(operatorSession.get()),
                                   PQresultStatus(result.get()) == PGRES_COMMAND_OK);
        };
        run("BEGIN");
        run("LOCK TABLE inbox IN ACCESS EXCLUSIVE MODE");
        CPPUNIT_ASSERT_MESSAGE(daemon.output(),
                               daemon.waitForOutput("systemd watchdog: assignment worker 1 has "
                                                    "been at one step for",
                                                    20s));
        // From the line on, no ping: drain what was sent before it, then nothing for 2.5 s.
        while (!systemd.receive(100ms).empty())
            ;
        CPPUNIT_ASSERT_EQUAL(std::string(), systemd.waitFor("WATCHDOG=1", 2500ms));
        run("COMMIT");
        CPPUNIT_ASSERT_MESSAGE(daemon.output(), !systemd.waitFor("WATCHDOG=1", 10s).empty());
        CPPUNIT_ASSERT(daemon.waitForOutput("systemd watchdog: alive again"));
        daemon.signal(SIGTERM);
        CPPUNIT_ASSERT_EQUAL(0, daemon.waitForExit().value_or(-1));
    }

    void runsUntilSigtermThenExitsZero()
    {
        TestDatabase db("daemon");
        DaemonProcess daemon(
            {"--set", "store.url=" + db.url(), "--set", "assignment.release_interval=50ms"});
        CPPUNIT_ASSERT_MESSAGE(daemon.output(), daemon.waitForOutput("courierd ready"));
        CPPUNIT_ASSERT_EQUAL(TABLES, tableCount(db));

        // The monitor runs: an expired delivery's courier becomes available.
        db.execute("INSERT INTO couriers (name, transport_type, status, active_order_id, "
                   "active_source, busy_until, delivery_count) VALUES ('c', 'car', 'busy', 'o1', "
                   "'test', "
                   "now() - interval '1 s', 1);"
                   "INSERT INTO deliveries (courier_id, order_id, source, assigned_at, deadline) "
                   "SELECT id, 'o1', 'test', now() - interval '1 min', now() - interval '1 s' "
                   "FROM couriers");
        CPPUNIT_ASSERT_MESSAGE(daemon.output(),
                               daemon.waitForOutput("1 courier(s) available again"));

        // SIGHUP reloads (here: nothing changed) and does not stop it.
        daemon.signal(SIGHUP);
        CPPUNIT_ASSERT_MESSAGE(daemon.output(), daemon.waitForOutput("reload applied: sources "
                                                                     "added: none"));
        daemon.signal(SIGTERM);
        CPPUNIT_ASSERT_EQUAL(0, daemon.waitForExit().value_or(-1));
        CPPUNIT_ASSERT_MESSAGE(daemon.output(), contains(daemon.output(), "stopped"));
    }

    void unreachableDatabaseIsNamedWithoutPassword()
    {
        std::string output;
        CPPUNIT_ASSERT_EQUAL(
            69, DaemonProcess::run(
                    {"--set", "store.url=postgresql://courier:s3cr3t-pw@127.0.0.1:1/orders_db"},
                    output));
        for (const char* part : {"host=127.0.0.1", "port=1", "dbname=orders_db", "user=courier"})
            CPPUNIT_ASSERT_MESSAGE(output, contains(output, part));
        CPPUNIT_ASSERT_MESSAGE(output, !contains(output, "s3cr3t-pw"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CourierDaemonTest);
