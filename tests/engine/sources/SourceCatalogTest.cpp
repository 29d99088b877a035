#include "sources/SourceCatalog.h"

#include "TestFiles.h"
#include "config/EngineConfig.h"
#include "util/Exceptions.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/TemporaryFile.h>
#include <cppunit/extensions/HelperMacros.h>

using namespace courierd;
using namespace std::chrono_literals;
using namespace courierd::test;

namespace
{

const std::string PLUGINS = COURIERD_FIXTURE_PLUGIN_DIR;

} // namespace

class SourceCatalogTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(SourceCatalogTest);
    CPPUNIT_TEST(loadsEverySourceWithItsPluginsKeys);
    CPPUNIT_TEST(environmentOverridesAPluginKey);
    CPPUNIT_TEST(unknownKeyInASourceSectionListsThePluginsKeys);
    CPPUNIT_TEST(sourceWithoutPluginIsReported);
    CPPUNIT_TEST(pluginThatDoesNotLoadNamesKeyValueAndFile);
    CPPUNIT_TEST(badIntervalIsReported);
    CPPUNIT_TEST(twoSourcesShareOnePlugin);
    CPPUNIT_TEST(shippedConfigIsValid);
    CPPUNIT_TEST_SUITE_END();

public:
    void loadsEverySourceWithItsPluginsKeys()
    {
        TempFile file(".ini", "[source.demo]\nplugin = fixture-good\ninterval = 2s\n");
        Settings settings = Settings::read(file.path(), {}, {});
        std::atomic<bool> stop{false};
        SourceCatalog catalog(settings, PLUGINS, stop);
        CPPUNIT_ASSERT_MESSAGE(joined(settings.problems()), settings.problems().empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), catalog.entries().size());
        auto& entry = *catalog.entries()[0];
        CPPUNIT_ASSERT_EQUAL(std::string("demo"), entry.name);
        CPPUNIT_ASSERT_EQUAL(std::string("fixture"), entry.info.name);
        CPPUNIT_ASSERT(entry.interval == 2s);
        catalog.initialize();
        // The plugin's declared default applies.
        CPPUNIT_ASSERT_EQUAL(std::string("hello-1"), entry.source->fetch("").records.at(0).id);
        catalog.shutdown();
    }

    void environmentOverridesAPluginKey()
    {
        TempFile file(".ini", "[source.demo]\nplugin = fixture-good\ngreeting = file\n");
        Settings settings =
            Settings::read(file.path(), {{"COURIERD_SOURCE_DEMO_GREETING", "env"}}, {});
        std::atomic<bool> stop{false};
        SourceCatalog catalog(settings, PLUGINS, stop);
        CPPUNIT_ASSERT(settings.problems().empty());
        CPPUNIT_ASSERT(catalog.entries()[0]->interval == 5s);
        catalog.initialize();
        CPPUNIT_ASSERT_EQUAL(std::string("env-1"),
                             catalog.entries()[0]->source->fetch("").records.at(0).id);
    }

    void unknownKeyInASourceSectionListsThePluginsKeys()
    {
        TempFile file(".ini", "[source.demo]\nplugin = fixture-good\ngreetng = x\n");
        Settings settings = Settings::read(file.path(), {}, {});
        std::atomic<bool> stop{false};
        SourceCatalog catalog(settings, PLUGINS, stop);
        CPPUNIT_ASSERT_MESSAGE(
            joined(settings.problems()),
            anyContains(settings.problems(),
                        {file.path(), "unknown key 'greetng'", "[source.demo]",
                         "greeting, interval, max_backoff, max_clock_skew, plugin"}));
    }

    void sourceWithoutPluginIsReported()
    {
        Settings settings = Settings::read("", {}, {{"source.lonely.interval", "1s"}});
        std::atomic<bool> stop{false};
        SourceCatalog catalog(settings, PLUGINS, stop);
        CPPUNIT_ASSERT(anyContains(settings.problems(), {"[source.lonely]", "no plugin"}));
        CPPUNIT_ASSERT(catalog.entries().empty());
    }

    void pluginThatDoesNotLoadNamesKeyValueAndFile()
    {
        TempFile file(".ini", "[source.demo]\nplugin = fixture-old-abi\n");
        Settings settings = Settings::read(file.path(), {}, {});
        std::atomic<bool> stop{false};
        SourceCatalog catalog(settings, PLUGINS, stop);
        CPPUNIT_ASSERT_MESSAGE(
            joined(settings.problems()),
            anyContains(settings.problems(), {file.path(), "source.demo.plugin = 'fixture-old-abi'",
                                              PLUGINS + "/fixture-old-abi.so", "ABI 0"}));
    }

    void badIntervalIsReported()
    {
        TempFile file(".ini", "[source.demo]\nplugin = fixture-good\ninterval = often\n");
        Settings settings = Settings::read(file.path(), {}, {});
        std::atomic<bool> stop{false};
        SourceCatalog catalog(settings, PLUGINS, stop);
        CPPUNIT_ASSERT(anyContains(settings.problems(),
                                   {file.path(), "source.demo.interval = 'often'", "duration"}));
    }

    void twoSourcesShareOnePlugin()
    {
        TempFile file(".ini", "[source.a]\nplugin = fixture-good\ngreeting = a\n"
                              "[source.b]\nplugin = fixture-good\ngreeting = b\n");
        Settings settings = Settings::read(file.path(), {}, {});
        std::atomic<bool> stop{false};
        SourceCatalog catalog(settings, PLUGINS, stop);
        CPPUNIT_ASSERT(settings.problems().empty());
        catalog.initialize();
        CPPUNIT_ASSERT_EQUAL(std::string("a-1"),
                             catalog.entries()[0]->source->fetch("").records.at(0).id);
        CPPUNIT_ASSERT_EQUAL(std::string("b-1"),
                             catalog.entries()[1]->source->fetch("").records.at(0).id);
    }

    void shippedConfigIsValid()
    {
        Settings settings = Settings::read(COURIERD_SOURCE_DIR "/etc/courierd.ini", {}, {});
        settings.declare(EngineConfig::schema());
        std::atomic<bool> stop{false};
        SourceCatalog catalog(settings, COURIERD_PLUGIN_BUILD_DIR, stop);
        CPPUNIT_ASSERT_MESSAGE(joined(settings.problems()), settings.problems().empty());
        CPPUNIT_ASSERT_EQUAL(std::string("service-order"), catalog.entries().at(0)->info.name);
        catalog.initialize();
        EngineConfig::from(settings);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SourceCatalogTest);
