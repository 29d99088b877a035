#include "sources/PluginHost.h"

#include "MapSourceContext.h"
#include "util/Exceptions.h"

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <cppunit/extensions/HelperMacros.h>

using namespace courierd;

namespace
{

const std::string DIR = COURIERD_FIXTURE_PLUGIN_DIR;

// The message of the PluginException that loading `plugin` throws.
std::string loadError(PluginHost& host, const std::string& plugin)
{
    try
    {
        host.load(plugin);
    }
    catch (const PluginException& e)
    {
        return e.message();
    }
    CPPUNIT_FAIL("loaded " + plugin);
    return {};
}

void assertContains(const std::string& text, const std::vector<std::string>& parts)
{
    for (const auto& part : parts)
        CPPUNIT_ASSERT_MESSAGE("'" + part + "' not in: " + text,
                               text.find(part) != std::string::npos);
}

} // namespace

class PluginHostTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(PluginHostTest);
    CPPUNIT_TEST(loadsAPluginAndCreatesOneInstancePerSource);
    CPPUNIT_TEST(loadsByPathAndOnlyOnce);
    CPPUNIT_TEST(missingFileNamesFileAndDirectory);
    CPPUNIT_TEST(notALibraryIsRefused);
    CPPUNIT_TEST(missingAbiSymbolIsRefused);
    CPPUNIT_TEST(otherAbiVersionSaysBothVersions);
    CPPUNIT_TEST(wrongBaseClassIsRefused);
    CPPUNIT_TEST(twoPluginsWithOneNameAreRefused);
    CPPUNIT_TEST(aRefusedPluginLeavesTheOthersWorking);
    CPPUNIT_TEST(aNewBuildOfALoadedFileIsLoadedBesideTheOld);
    CPPUNIT_TEST_SUITE_END();

public:
    void loadsAPluginAndCreatesOneInstancePerSource()
    {
        PluginHost host(DIR);
        const auto& loaded = host.load("fixture-good");
        CPPUNIT_ASSERT_EQUAL(std::string("fixture"), loaded.name);
        CPPUNIT_ASSERT_EQUAL(std::string("1.0"), loaded.version);
        CPPUNIT_ASSERT_EQUAL(std::string("fixture::GoodSource"), loaded.className);

        Source& first = host.create("fixture-good");
        Source& second = host.create("fixture-good");
        CPPUNIT_ASSERT(&first != &second);
        CPPUNIT_ASSERT_EQUAL(std::string("greeting"), first.settings().at(0).name);

        test::MapSourceContext a("a", {{"greeting", "hi"}});
        test::MapSourceContext b("b", {{"greeting", "hey"}});
        first.initialize(a);
        second.initialize(b);
        const Batch batch = first.fetch("41");
        CPPUNIT_ASSERT_EQUAL(std::string("hi-42"), batch.records.at(0).id);
        CPPUNIT_ASSERT_EQUAL(std::string("42"), batch.cursor);
        CPPUNIT_ASSERT_EQUAL(std::string("hey-1"), second.fetch("").records.at(0).id);
    }

    void loadsByPathAndOnlyOnce()
    {
        PluginHost host("/nonexistent");
        const auto& byPath = host.load(DIR + "/fixture-good.so");
        const auto& again = host.load(DIR + "/fixture-good.so");
        CPPUNIT_ASSERT(&byPath == &again);
    }

    void missingFileNamesFileAndDirectory()
    {
        PluginHost host(DIR);
        assertContains(loadError(host, "service-orderr"),
                       {"'service-orderr'", DIR + "/service-orderr.so", "plugins.dir = " + DIR});
    }

    void notALibraryIsRefused()
    {
        PluginHost host(DIR);
        assertContains(loadError(host, "fixture-not-a-library"),
                       {DIR + "/fixture-not-a-library.so", "cannot load"});
    }

    void missingAbiSymbolIsRefused()
    {
        PluginHost host(DIR);
        assertContains(loadError(host, "fixture-no-abi"),
                       {DIR + "/fixture-no-abi.so", "courierd_plugin_abi_version", "found none"});
    }

    void otherAbiVersionSaysBothVersions()
    {
        PluginHost host(DIR);
        assertContains(loadError(host, "fixture-old-abi"),
                       {DIR + "/fixture-old-abi.so", "ABI 0",
                        "expects ABI " + std::to_string(COURIERD_ABI_VERSION)});
    }

    void wrongBaseClassIsRefused()
    {
        PluginHost host(DIR);
        assertContains(loadError(host, "fixture-wrong-base"),
                       {DIR + "/fixture-wrong-base.so", "courierd::Source", "another base class"});
    }

    void twoPluginsWithOneNameAreRefused()
    {
        PluginHost host(DIR);
        host.load("fixture-good");
        assertContains(loadError(host, "fixture-twin"),
                       {DIR + "/fixture-twin.so", "'fixture'", DIR + "/fixture-good.so"});
    }

    void aRefusedPluginLeavesTheOthersWorking()
    {
        PluginHost host(DIR);
        loadError(host, "fixture-old-abi");
        loadError(host, "fixture-wrong-base");
        CPPUNIT_ASSERT_EQUAL(std::string("other"), host.load("fixture-other").name);
        test::MapSourceContext context("x", {{"greeting", "yo"}});
        Source& source = host.create("fixture-other");
        source.initialize(context);
        CPPUNIT_ASSERT_EQUAL(std::string("yo-1"), source.fetch("").records.at(0).id);
    }

    // A plugin file replaced by a new build (as install(1) and dpkg do: a new inode): the next
    // load() checks and loads it, new instances come from it, older ones keep their build,
    // which goes once the last of them is destroyed. A build that fails the checks changes
    // nothing.
    void aNewBuildOfALoadedFileIsLoadedBesideTheOld()
    {
        const Poco::TemporaryFile dir;
        Poco::File(dir.path()).createDirectories();
        const std::string file = dir.path() + "/p.so";
        const auto install = [&](const std::string& fixture)
        {
            Poco::File(DIR + "/" + fixture + ".so").copyTo(file + ".new");
            Poco::File(file + ".new").renameTo(file);
        };
        install("fixture-good");
        PluginHost host(dir.path());
        CPPUNIT_ASSERT_EQUAL(std::string("1.0"), host.load("p").version);
        Source& old = host.create("p");
        CPPUNIT_ASSERT(!host.replaced("p"));

        install("fixture-old-abi");
        CPPUNIT_ASSERT(host.replaced("p"));
        assertContains(loadError(host, "p"), {file, "built for plugin ABI"});
        CPPUNIT_ASSERT_EQUAL(std::string("1.0"), host.info("p").version);

        install("fixture-good-v2");
        CPPUNIT_ASSERT_EQUAL(std::string("2.0"), host.load("p").version);
        CPPUNIT_ASSERT(!host.replaced("p"));
        Source& fresh = host.create("p");
        const auto build = [](Source& source)
        {
            test::MapSourceContext context("s", {{"greeting", "g"}});
            source.initialize(context);
            return source.fetch("").records.at(0).payload;
        };
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"build":"1.0"})"), build(old));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"build":"2.0"})"), build(fresh));
        host.destroy(old);
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"build":"2.0"})"), build(fresh));
        // Loaded once: the same build again is the same library.
        CPPUNIT_ASSERT_EQUAL(host.info("p").loadedAs, host.load("p").loadedAs);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginHostTest);
