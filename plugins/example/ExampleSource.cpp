// The smallest useful source plugin: it invents `count` orders per fetch, numbered on from the
// cursor. Copy this directory to start a plugin of your own.
#include <courierd/ConfigMap.h>
#include <courierd/Plugin.h>
#include <string>

namespace example
{

// The plugin's keys: each declared once, bound to its member. The host parses and checks the
// values (type, limits) before initialize(), and names the file and key of a bad one.
struct ExampleSettings
{
    long long count{};

    static const courierd::ConfigMap<ExampleSettings>& map()
    {
        static const auto map = courierd::ConfigMap<ExampleSettings>().integer(
            "count", &ExampleSettings::count, "1", "orders invented per fetch", 1, 1000);
        return map;
    }
};

class ExampleSource : public courierd::Source
{
public:
    std::vector<courierd::ConfigKey> settings() const override
    {
        return ExampleSettings::map().keys();
    }

    void initialize(courierd::SourceContext& context) override
    {
        _count = ExampleSettings::map().read(context).count;
        _context = &context;
    }

    courierd::Batch fetch(const std::string& cursor) override
    {
        long long next = cursor.empty() ? 0 : std::stoll(cursor);
        courierd::Batch batch;
        for (long long i = 0; i < _count; ++i)
        {
            ++next;
            courierd::Record record;
            record.id = "example-" + std::to_string(next);
            record.createdAt = _context->now();
            record.payload = "{\"id\":\"" + record.id + "\"}";
            batch.records.push_back(std::move(record));
        }
        batch.cursor = std::to_string(next);
        return batch;
    }

private:
    long long _count = 1;
    courierd::SourceContext* _context = nullptr;
};

} // namespace example

COURIERD_PLUGIN(example::ExampleSource, "example", "1.0.0")
