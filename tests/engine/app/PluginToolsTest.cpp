// What a plugin author and a newcomer meet on the command line: --describe-plugin,
// --preview-source, --help's source keys, and errors that name the cause first. The real
// courierd binary, the real plugins.
#include "DaemonProcess.h"
#include "FakeServiceOrder.h"
#include "TestDatabase.h"
#include "TestFiles.h"
#include "courierd/Rfc3339.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/StringTokenizer.h>
#include <cppunit/extensions/HelperMacros.h>

using namespace courierd;
using courierd::test::contains;
using courierd::test::DaemonProcess;
using courierd::test::FakeServiceOrder;
using courierd::test::TempFile;
using courierd::test::TestDatabase;

namespace
{

std::vector<std::string> linesOf(const std::string& text)
{
    Poco::StringTokenizer lines(text, "\n", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    return {lines.begin(), lines.end()};
}

} // namespace

class PluginToolsTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(PluginToolsTest);
    CPPUNIT_TEST(describePluginListsEveryKey);
    CPPUNIT_TEST(describePluginAsJson);
    CPPUNIT_TEST(helpListsTheKeysOfASourceSection);
    CPPUNIT_TEST(aMisspelledPluginIsNamedFirstAndAlone);
    CPPUNIT_TEST(anUnknownKeyListsTheKnownOnesWhereverItCameFrom);
    CPPUNIT_TEST(previewSourceShowsWhatWouldBeStoredAndStoresNothing);
    CPPUNIT_TEST(previewSourceFromATimeAndItsFailures);
    CPPUNIT_TEST(optionsThatDoNotGoTogetherAreAUsageError);
    CPPUNIT_TEST_SUITE_END();

public:
    void describePluginListsEveryKey()
    {
        std::string output;
        CPPUNIT_ASSERT_EQUAL(0, DaemonProcess::run({"--describe-plugin", "service-order"}, output));
        for (const char* part :
             {"plugin service-order ", "plugin ABI ", "/service-order.so",
              "base_url  string, default 'http://localhost:8080'",
              "timeout  duration, default '3s', 100ms to 5m", "statuses  list", "any of canceled",
              "Beside them, the engine reads", "recheck_after  duration", "interval  duration"})
            CPPUNIT_ASSERT_MESSAGE(std::string(part) + " in\n" + output, contains(output, part));
    }

    void describePluginAsJson()
    {
        std::string output;
        CPPUNIT_ASSERT_EQUAL(
            0, DaemonProcess::run({"--describe-plugin", "generator", "--format", "json"}, output));
        const auto plugin = Poco::JSON::Parser().parse(output).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::string("generator"), plugin->getValue<std::string>("name"));
        CPPUNIT_ASSERT(plugin->getValue<int>("abi") > 0);
        const auto keys = plugin->getArray("keys");
        CPPUNIT_ASSERT(keys->size() > 0);
        for (std::size_t i = 0; i < keys->size(); ++i)
        {
            const auto key = keys->getObject(static_cast<unsigned>(i));
            for (const char* field : {"name", "type", "default", "help"})
                CPPUNIT_ASSERT_MESSAGE(field, key->has(field));
        }
        CPPUNIT_ASSERT(plugin->getArray("engine_keys")->size() >= 7);
    }

    void helpListsTheKeysOfASourceSection()
    {
        std::string output;
        CPPUNIT_ASSERT_EQUAL(0, DaemonProcess::run({"--help"}, output));
        for (const char* part :
             {"source.NAME.plugin", "source.NAME.interval", "source.NAME.recheck_after",
              "COURIERD_SOURCE_NAME_INTERVAL", "--describe-plugin", "--preview-source",
              // What the token guards, in the words of docs/configuration.md.
              "every /api/v1 request needs Authorization: Bearer <token>"})
            CPPUNIT_ASSERT_MESSAGE(part, contains(output, part));
    }

    void aMisspelledPluginIsNamedFirstAndAlone()
    {
        TempFile config(".ini", "[source.orders]\nplugin = servce-order\nbase_url = "
                                "http://127.0.0.1:1\ntimeout = 3s\nstatuses = created\n");
        std::string output;
        CPPUNIT_ASSERT_EQUAL(
            78, DaemonProcess::run({"--config", config.path(), "--check-config"}, output));
        const auto lines = linesOf(output);
        CPPUNIT_ASSERT_MESSAGE(output, lines.size() >= 2);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(output, std::string("courierd: configuration error:"),
                                     lines[0]);
        for (const char* part :
             {"source.orders.plugin = 'servce-order'", "no file", "which holds: ", "generator",
              "service-order", "did you mean 'service-order'?"})
            CPPUNIT_ASSERT_MESSAGE(std::string(part) + " in\n" + output, contains(lines[1], part));
        // Alone: the keys the missing plugin would have declared are not called unknown.
        CPPUNIT_ASSERT_MESSAGE(output, !contains(output, "unknown key"));
        CPPUNIT_ASSERT_EQUAL(78, DaemonProcess::run({"--describe-plugin", "genrator"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "did you mean 'generator'?"));
        // Nothing near: the list alone.
        CPPUNIT_ASSERT_EQUAL(78, DaemonProcess::run({"--describe-plugin", "kafka"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "which holds: ") &&
                                           !contains(output, "did you mean"));
    }

    void anUnknownKeyListsTheKnownOnesWhereverItCameFrom()
    {
        std::string output;
        CPPUNIT_ASSERT_EQUAL(
            78, DaemonProcess::run({"--check-config", "--set", "store.poolsize=4"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "--set: unknown key 'store.poolsize' "
                                                        "(known keys in [store]: "));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "pool_size"));
        CPPUNIT_ASSERT_EQUAL(
            78, DaemonProcess::run({"--check-config", "--set", "stroe.url=x"}, output));
        CPPUNIT_ASSERT_MESSAGE(output,
                               contains(output, "(known sections: ") && contains(output, "store"));
        CPPUNIT_ASSERT_EQUAL(
            0, DaemonProcess::run({"--check-config"}, output, {{"COURIERD_STORE_POOLSIZE", "4"}}));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "COURIERD_STORE_POOLSIZE matches no "
                                                        "configuration key; ignored (did you "
                                                        "mean COURIERD_STORE_POOL_SIZE?)"));
        TempFile config(".ini", "[store]\npoolsize = 4\n");
        CPPUNIT_ASSERT_EQUAL(
            78, DaemonProcess::run({"--config", config.path(), "--check-config"}, output));
        CPPUNIT_ASSERT_MESSAGE(output,
                               contains(output, "(known keys: ") && contains(output, "pool_size"));
    }

    void previewSourceShowsWhatWouldBeStoredAndStoresNothing()
    {
        TestDatabase db("preview");
        FakeServiceOrder fake;
        const Poco::Timestamp recent = Poco::Timestamp() - Poco::Timespan(60, 0);
        fake.addOrder("created", recent, "order-1");
        fake.addOrder("created", recent, "order-2");
        fake.addOrder("canceled", recent, "order-3");
        TempFile config(".ini", "[store]\nurl = " + db.url() +
                                    "\n[source.orders]\nplugin = "
                                    "service-order\nbase_url = " +
                                    fake.baseUrl() + "\n");
        std::string output;
        CPPUNIT_ASSERT_EQUAL(
            0,
            DaemonProcess::run({"--config", config.path(), "--preview-source", "orders"}, output));
        for (const char* part :
             {"assign\torder-1\t", "assign\torder-2\t", "skip\torder-3\t", "status canceled",
              "source orders: 2 to assign, 1 skipped, 0 rejected",
              "next cursor: {\"watermark\":", "more: no", "nothing was stored"})
            CPPUNIT_ASSERT_MESSAGE(std::string(part) + " in\n" + output, contains(output, part));
        // No table was even created, and the fake was asked once.
        CPPUNIT_ASSERT_EQUAL(
            Poco::Int64(0),
            db.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), fake.requestCount());

        CPPUNIT_ASSERT_EQUAL(0, DaemonProcess::run({"--config", config.path(), "--preview-source",
                                                    "orders", "--limit", "1", "--format", "json"},
                                                   output));
        const auto lines = linesOf(output);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(output, std::size_t(2), lines.size());
        const auto first = Poco::JSON::Parser().parse(lines[0]).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT(first->getValue<std::string>("payload").find("\"id\"") != std::string::npos);
        const auto summary =
            Poco::JSON::Parser().parse(lines[1]).extract<Poco::JSON::Object::Ptr>();
        CPPUNIT_ASSERT_EQUAL(std::string("summary"), summary->getValue<std::string>("kind"));
        CPPUNIT_ASSERT_EQUAL(2, summary->getValue<int>("assign"));
        CPPUNIT_ASSERT_EQUAL(1, summary->getValue<int>("skip"));
        CPPUNIT_ASSERT_EQUAL(1, summary->getValue<int>("shown"));

        // From a cursor: what the first preview's cursor says was read is not read again.
        const std::string cursor = summary->getValue<std::string>("cursor");
        CPPUNIT_ASSERT_EQUAL(0, DaemonProcess::run({"--config", config.path(), "--preview-source",
                                                    "orders", "--cursor", cursor},
                                                   output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "source orders: "));
    }

    void previewSourceFromATimeAndItsFailures()
    {
        FakeServiceOrder fake;
        fake.addOrder("created", Poco::Timestamp() - Poco::Timespan(3600, 0), "old");
        fake.addOrder("created", Poco::Timestamp() - Poco::Timespan(60, 0), "new");
        TempFile config(".ini", "[source.orders]\nplugin = service-order\nbase_url = " +
                                    fake.baseUrl() + "\nlookback = 0s\n");
        std::string output;
        const std::string from =
            courierd::formatRfc3339(Poco::Timestamp() - Poco::Timespan(600, 0));
        CPPUNIT_ASSERT_EQUAL(0, DaemonProcess::run({"--config", config.path(), "--preview-source",
                                                    "orders", "--from", from},
                                                   output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "assign\tnew\t") &&
                                           !contains(output, "assign\told\t"));
        const auto request = fake.requests().back();
        CPPUNIT_ASSERT_MESSAGE(request, contains(request, "from="));

        CPPUNIT_ASSERT_EQUAL(
            78,
            DaemonProcess::run({"--config", config.path(), "--preview-source", "ordres"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "no [source.ordres]") &&
                                           contains(output, "its sources: orders"));
        TempFile down(".ini", "[source.orders]\nplugin = service-order\nbase_url = "
                              "http://127.0.0.1:1\nretry_count = 0\n");
        CPPUNIT_ASSERT_EQUAL(
            69,
            DaemonProcess::run({"--config", down.path(), "--preview-source", "orders"}, output));
        CPPUNIT_ASSERT_MESSAGE(output, contains(output, "the fetch failed"));
    }

    void optionsThatDoNotGoTogetherAreAUsageError()
    {
        std::string output;
        for (const std::vector<std::string>& args :
             {std::vector<std::string>{"--limit", "3"},
              {"--preview-source", "x", "--limit", "0"},
              {"--preview-source", "x", "--from", "yesterday"},
              {"--preview-source", "x", "--from", "2026-12-04T00:00:00Z", "--cursor", "c"},
              {"--describe-plugin", "generator", "--format", "yaml"},
              {"--describe-plugin", "generator", "--check-config"},
              {"--check-config", "--format", "json"}})
        {
            std::string joined;
            for (const auto& arg : args)
                joined += arg + " ";
            CPPUNIT_ASSERT_EQUAL_MESSAGE(joined, 64, DaemonProcess::run(args, output));
            CPPUNIT_ASSERT_MESSAGE(joined + "→ " + output, contains(output, "see --help"));
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginToolsTest);
