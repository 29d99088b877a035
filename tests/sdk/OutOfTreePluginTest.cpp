#include "FakeMarketplace.h"
#include "MapSourceContext.h"
#include "TestFiles.h"
#include "courierd/Exceptions.h"
#include "sources/PluginHost.h"

#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <set>

using namespace courierd;

namespace
{

const std::string KEY = "mk_live_5f2c9a";

long long nowMs()
{
    return Poco::Timestamp().epochMicroseconds() / 1000;
}

// example-http, built out of tree, configured against `fake` with the key in a file.
struct Marketplace
{
    Marketplace(const marketplace::FakeMarketplace& fake, const std::string& key,
                std::map<std::string, std::string> values = {})
        : keyFile(".key", key + "\n")
        , host(COURIERD_OUT_OF_TREE_DIR "/build-http")
    {
        source = &host.create("example-http");
        values.emplace("base_url", fake.baseUrl());
        values.emplace("api_key_file", keyFile.path());
        values.emplace("page_size", "50");
        context = std::make_unique<test::MapSourceContext>("market", values, source->settings());
        source->initialize(*context);
    }

    // One poll as the engine makes it: fetch while the source has more ready. Every stored
    // id goes to `stored`, with how often it came.
    int poll(std::map<std::string, int>& stored, std::size_t& rejects,
             const std::function<void(int)>& betweenPages = {})
    {
        int pages = 0;
        for (bool more = true; more; ++pages)
        {
            const Batch batch = source->fetch(cursor);
            for (const auto& record : batch.records)
                ++stored[record.id];
            rejects += batch.rejects.size();
            cursor = batch.cursor;
            more = batch.more;
            if (betweenPages)
                betweenPages(pages);
        }
        return pages;
    }

    test::TempFile keyFile;
    PluginHost host;
    Source* source = nullptr;
    std::unique_ptr<test::MapSourceContext> context;
    std::string cursor;
};

} // namespace

// Loads plugins/example and plugins/example-http as built out of tree by BuildOutOfTree.cmake
// (the CTest fixture), against the installed SDK.
class OutOfTreePluginTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(OutOfTreePluginTest);
    CPPUNIT_TEST(examplePluginBuiltAgainstTheInstalledSdkLoads);
    CPPUNIT_TEST(exampleHttpReadsEveryOrderOnceAcrossTiesPagesAndArrivals);
    CPPUNIT_TEST(exampleHttpNeedsItsKey);
    CPPUNIT_TEST_SUITE_END();

public:
    void examplePluginBuiltAgainstTheInstalledSdkLoads()
    {
        PluginHost host(COURIERD_OUT_OF_TREE_DIR "/build");
        const auto& loaded = host.load("example");
        CPPUNIT_ASSERT_EQUAL(std::string("example"), loaded.name);
        CPPUNIT_ASSERT_EQUAL(std::string("1.0.0"), loaded.version);
        Source& source = host.create("example");
        test::MapSourceContext context("demo", {{"count", "3"}}, source.settings());
        source.initialize(context);
        const Batch batch = source.fetch("10");
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), batch.records.size());
        CPPUNIT_ASSERT_EQUAL(std::string("example-13"), batch.records.back().id);
        CPPUNIT_ASSERT_EQUAL(std::string("13"), batch.cursor);
    }

    void exampleHttpReadsEveryOrderOnceAcrossTiesPagesAndArrivals()
    {
        // 344 orders in three milliseconds, pages of 50: ties across every page boundary, and
        // a look-back window that holds seven pages (the page-number trap).
        marketplace::FakeMarketplace fake(KEY);
        const long long t0 = nowMs() - 600000;
        std::set<std::string> expected;
        for (const auto& [count, at] : {std::pair{120, t0}, {100, t0 + 1}, {124, t0 + 2}})
            for (const long long id : fake.add(count, at))
                expected.insert(std::to_string(id));
        fake.busy(7); // every 7th request: 429, then 503
        Marketplace market(fake, KEY);
        std::map<std::string, int> stored;
        std::size_t rejects = 0;
        // Orders arrive while the pages are read: some inside the window (late, at t0 + 1),
        // some new.
        const int pages = market.poll(stored, rejects,
                                      [&](int page)
                                      {
                                          if (page != 2)
                                              return;
                                          for (const long long id : fake.add(15, t0 + 1))
                                              expected.insert(std::to_string(id));
                                          for (const long long id : fake.add(15, nowMs() - 1000))
                                              expected.insert(std::to_string(id));
                                      });
        CPPUNIT_ASSERT_MESSAGE(std::to_string(pages), pages >= 7);
        // The next poll, from the watermark minus the look-back, finds what the shifted pages
        // hid.
        market.poll(stored, rejects);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), rejects);
        for (const auto& id : expected)
            CPPUNIT_ASSERT_MESSAGE("order " + id + " was never read", stored.count(id));
        CPPUNIT_ASSERT_EQUAL(expected.size(), stored.size());
        // Each passed on once (the watermark's window): nothing for the inbox to deduplicate.
        for (const auto& [id, times] : stored)
            CPPUNIT_ASSERT_EQUAL_MESSAGE(id, 1, times);
        // A third poll reads one page, finds nothing new, and ends.
        const std::size_t before = stored.size();
        market.poll(stored, rejects);
        CPPUNIT_ASSERT_EQUAL(before, stored.size());
    }

    void exampleHttpNeedsItsKey()
    {
        marketplace::FakeMarketplace fake(KEY);
        fake.add(3, nowMs() - 60000);
        Marketplace wrong(fake, "mk_live_wrong");
        try
        {
            wrong.source->fetch("");
            CPPUNIT_FAIL("a wrong key was taken");
        }
        catch (const HttpStatusException& e)
        {
            CPPUNIT_ASSERT_EQUAL(401, e.status());
            CPPUNIT_ASSERT_MESSAGE(e.message(), !test::contains(e.message(), "mk_live"));
        }
        for (const auto& [file, problem] : std::vector<std::pair<std::string, std::string>>{
                 {"", "needs an API key"}, {"/nonexistent/key", "no such file"}})
            try
            {
                Marketplace none(fake, KEY, {{"api_key_file", file}});
                CPPUNIT_FAIL("api_key_file '" + file + "' was taken");
            }
            catch (const ConfigException& e)
            {
                CPPUNIT_ASSERT_MESSAGE(e.message(), test::contains(e.message(), problem));
                CPPUNIT_ASSERT_MESSAGE(e.message(), test::contains(e.message(), "api_key_file"));
            }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OutOfTreePluginTest);
