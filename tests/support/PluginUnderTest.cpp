#include "PluginUnderTest.h"

namespace courierd::test
{

PluginUnderTest::PluginUnderTest(const std::string& plugin, const std::string& name,
                                 const Values& base, const Values& overrides,
                                 std::optional<Poco::Timestamp> now)
    : host(COURIERD_PLUGIN_BUILD_DIR)
{
    source = &host.create(plugin);
    Values values;
    for (const auto& key : source->settings())
        values[key.name] = key.defaultValue;
    for (const auto* layer : {&base, &overrides})
        for (const auto& [key, value] : *layer)
            values[key] = value;
    context = std::make_unique<MapSourceContext>(name, values);
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
