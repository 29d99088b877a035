#include "PluginHost.h"

#include "Exceptions.h"
#include "MapSourceContext.h"

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
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginHostTest);
