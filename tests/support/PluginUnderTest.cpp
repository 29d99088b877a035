#include "PluginUnderTest.h"

namespace courierd::test
{

PluginUnderTest::PluginUnderTest(const std::string& plugin, const std::string& name,
                                 const Values& base, const Values& overrides,
                                 std::optional<Poco::Timestamp> now)
    : host(COURIERD_PLUGIN_BUILD_DIR)
{
    source = &host.create(plugin);
    Values values = base;
    for (const auto& [key, value] : overrides)
        values[key] = value;
    context = std::make_unique<MapSourceContext>(name, values, source->settings());
    if (now)
        context->setNow(*now);
    source->initialize(*context);
}

Batch PluginUnderTest::fetch()
{
    Batch batch = source->fetch(cursor);
    cursor = batch.cursor;
    return batch;
}

} // namespace courierd::test
