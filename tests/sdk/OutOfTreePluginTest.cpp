#include "MapSourceContext.h"
#include "sources/PluginHost.h"

#include <cppunit/extensions/HelperMacros.h>

using namespace courierd;

// Loads plugins/example as built out of tree by BuildOutOfTree.cmake (the CTest fixture).
class OutOfTreePluginTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(OutOfTreePluginTest);
    CPPUNIT_TEST(examplePluginBuiltAgainstTheInstalledSdkLoads);
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
};

CPPUNIT_TEST_SUITE_REGISTRATION(OutOfTreePluginTest);
