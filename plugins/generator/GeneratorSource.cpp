#include "GeneratorSource.h"

#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>
#include <array>
#include <cstdio>

namespace generator
{

namespace
{

constexpr std::int64_t MS_PER_SECOND = 1000;
/// Far beyond any run (a million orders a second for 285 years), far below overflow.
constexpr std::int64_t MAX_SEQUENCE = std::int64_t(1) << 53;

/// splitmix64: a good 64-bit mix, so that an order is a pure function of (run, sequence).
std::uint64_t mix(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

class Dice
{
public:
    explicit Dice(std::uint64_t seed)
        : _state(seed)
    {
    }
    /// A number in [0, n).
    std::uint64_t below(std::uint64_t n) { return (_state = mix(_state)) % n; }

private:
    std::uint64_t _state;
};

struct Dish
{
    const char* foodId;
    const char* name;
    int price;
};

constexpr std::array<const char*, 8> NAMES{
    "Иван Иванов",   "Мария Петрова", "Алексей Смирнов", "Ольга Кузнецова",
    "Дмитрий Попов", "Анна Соколова", "Сергей Лебедев",  "Екатерина Новикова"};
constexpr std::array<const char*, 6> STREETS{"Ленина", "Пушкина", "Гагарина",
                                             "Мира",   "Садовая", "Невский проспект"};
constexpr std::array<Dish, 6> MENU{{{"f-1", "Burger", 300},
                                    {"f-2", "Борщ", 250},
                                    {"f-3", "Pizza Margherita", 520},
                                    {"f-4", "Пельмени", 310},
                                    {"f-5", "Caesar salad", 280},
                                    {"f-6", "Лимонад", 120}}};
constexpr std::array<const char*, 4> LIVE_STATUSES{"created", "pending", "confirmed", "cooking"};

std::string fromMs(std::int64_t ms)
{
    return courierd::formatRfc3339(Poco::Timestamp(ms * 1000));
}

} // namespace

std::string GeneratorCursor::write() const
{
    return "g1:" + std::to_string(run) + ":" + std::to_string(sequence) + ":" +
           std::to_string(untilMs);
}

GeneratorCursor GeneratorCursor::read(const std::string& text)
{
    Poco::StringTokenizer parts(text, ":");
    GeneratorCursor cursor;
    if (parts.count() != 4 || parts[0] != "g1" ||
        !Poco::NumberParser::tryParse64(parts[1], cursor.run) ||
        !Poco::NumberParser::tryParse64(parts[2], cursor.sequence) ||
        !Poco::NumberParser::tryParse64(parts[3], cursor.untilMs) || cursor.run < 0 ||
        cursor.sequence < 0 || cursor.sequence > MAX_SEQUENCE || cursor.untilMs < 0)
    {
        throw Poco::SyntaxException("not a generator cursor (g1:RUN:SEQUENCE:UNTIL)");
    }
    return cursor;
}

const courierd::ConfigMap<GeneratorSettings>& GeneratorSettings::map()
{
    using S = GeneratorSettings;
    static const auto map =
        courierd::ConfigMap<S>()
            .integer("rate", &S::rate, "1", "orders invented per second", 1, 100000)
            .integer("batch", &S::batch, "1000", "most orders handed over in one fetch", 1, 100000)
            .duration("catch_up", &S::catchUp, "1m",
                      "most time made up for after a pause (a stopped daemon); older is skipped",
                      std::chrono::seconds(1), std::chrono::hours(24))
            .integer("canceled_percent", &S::canceledPercent, "5",
                     "share of orders that are `canceled` (stored skipped)", 0, 100)
            .integer("canceled_later_percent", &S::canceledLaterPercent, "0",
                     "share of the other orders canceled at the source canceled_after they were "
                     "created (a recheck then skips them, or ends their delivery)",
                     0, 100)
            .duration("canceled_after", &S::canceledAfter, "1m",
                      "how long after its creation an order of canceled_later_percent is canceled",
                      std::chrono::seconds(0), std::chrono::hours(24));
    return map;
}

std::vector<courierd::ConfigKey> GeneratorSource::settings() const
{
    return GeneratorSettings::map().keys();
}

void GeneratorSource::initialize(courierd::SourceContext& context)
{
    _context = &context;
    _settings = GeneratorSettings::map().read(context);
    _catchUpMs = _settings.catchUp.count();
    // The very first fetch hands over one interval's worth at once, so that a first run shows
    // orders on its first tick.
    _firstMs = std::min(context.getDuration("interval").count(), _catchUpMs);
}

courierd::Batch GeneratorSource::fetch(const std::string& text)
{
    const std::int64_t nowMs = _context->now().epochMicroseconds() / 1000;
    GeneratorCursor cursor;
    bool fresh = text.empty();
    if (!fresh)
    {
        try
        {
            cursor = GeneratorCursor::read(text);
        }
        catch (const Poco::SyntaxException& e)
        {
            _context->logger().warning("cursor '%s' is %s; starting a new run",
                                       courierd::clipped(text), e.message());
            fresh = true;
        }
    }
    if (fresh)
        cursor = {nowMs, 0, nowMs - _firstMs};
    // A cursor from the future (a clock stepped back) must not stall the source.
    cursor.untilMs = std::min(cursor.untilMs, nowMs);
    if (nowMs - cursor.untilMs > _catchUpMs)
    {
        _context->logger().information("skipping %s of orders not made while stopped (catch_up)",
                                       fromMs(cursor.untilMs) + " … " + fromMs(nowMs - _catchUpMs));
        cursor.untilMs = nowMs - _catchUpMs;
    }

    const std::int64_t due =
        std::max<std::int64_t>(0, (nowMs - cursor.untilMs) * _settings.rate / 1000);
    const std::int64_t count = std::min(due, _settings.batch);
    courierd::Batch batch;
    batch.records.reserve(static_cast<std::size_t>(count));
    for (std::int64_t i = 1; i <= count; ++i)
        batch.records.push_back(order(cursor.run, cursor.sequence + i,
                                      cursor.untilMs + i * MS_PER_SECOND / _settings.rate));
    cursor.sequence += count;
    cursor.untilMs += count * MS_PER_SECOND / _settings.rate;
    batch.cursor = cursor.write();
    batch.more = due > count;
    return batch;
}

courierd::Record GeneratorSource::order(std::int64_t run, std::int64_t sequence,
                                        std::int64_t createdMs) const
{
    Dice dice(mix(static_cast<std::uint64_t>(run)) ^ static_cast<std::uint64_t>(sequence));
    const bool canceled = static_cast<std::int64_t>(dice.below(100)) < _settings.canceledPercent;
    const char* status = canceled ? "canceled" : LIVE_STATUSES[dice.below(LIVE_STATUSES.size())];

    char number[32];
    std::snprintf(number, sizeof number, "%06lld", static_cast<long long>(sequence % 1000000));
    std::string items;
    int total = 0;
    const auto lines = 1 + dice.below(3);
    for (std::uint64_t i = 0; i < lines; ++i)
    {
        const Dish& dish = MENU[dice.below(MENU.size())];
        const auto quantity = static_cast<int>(1 + dice.below(3));
        total += dish.price * quantity;
        items += std::string(i ? "," : "") + R"({"food_id":")" + dish.foodId + R"(","name":")" +
                 dish.name + R"(","quantity":)" + std::to_string(quantity) + R"(,"price":)" +
                 std::to_string(dish.price) + "}";
    }
    const std::string created = fromMs(createdMs / MS_PER_SECOND * MS_PER_SECOND);

    courierd::Record record;
    record.id = "gen-" + std::to_string(run) + "-" + std::to_string(sequence);
    record.createdAt = Poco::Timestamp(createdMs * 1000);
    record.payload =
        R"({"id":")" + record.id + R"(","user_id":"demo-user","order_number":")" + number +
        R"(","fio":")" + NAMES[dice.below(NAMES.size())] + R"(","restaurant_id":"rest-)" +
        std::to_string(1 + dice.below(5)) + R"(","items":[)" + items + R"(],"total_price":)" +
        std::to_string(total + 120) + R"(,"address":{"street":")" +
        STREETS[dice.below(STREETS.size())] + R"(","house":")" +
        std::to_string(1 + dice.below(120)) + R"(","apartment":")" +
        std::to_string(1 + dice.below(300)) + R"("},"status":")" + status + R"(","created_at":")" +
        created + R"(","updated_at":")" + created + R"(","estimated_delivery":")" +
        fromMs(createdMs / MS_PER_SECOND * MS_PER_SECOND + 45 * 60 * MS_PER_SECOND) + R"("})";
    if (canceled)
    {
        record.verdict = courierd::Record::Verdict::Skip;
        record.reason = "status canceled";
    }
    return record;
}

bool GeneratorSource::canceledLater(std::int64_t run, std::int64_t sequence) const
{
    // A dice of its own, so that the orders themselves stay as they were.
    Dice dice(mix(static_cast<std::uint64_t>(run) ^ 0xC0FFEEULL) ^
              static_cast<std::uint64_t>(sequence));
    return static_cast<std::int64_t>(dice.below(100)) < _settings.canceledLaterPercent;
}

std::vector<courierd::RecheckAnswer>
GeneratorSource::recheck(const std::vector<courierd::RecheckQuery>& orders)
{
    const Poco::Timestamp now = _context->now();
    std::vector<courierd::RecheckAnswer> answers;
    for (const auto& asked : orders)
    {
        // gen-RUN-SEQUENCE
        Poco::StringTokenizer parts(asked.id, "-");
        std::int64_t run = 0, sequence = 0;
        if (parts.count() != 3 || parts[0] != "gen" ||
            !Poco::NumberParser::tryParse64(parts[1], run) ||
            !Poco::NumberParser::tryParse64(parts[2], sequence) || run < 0 || sequence < 0)
        {
            answers.push_back({asked.id, courierd::Fate::Unknown, "not an id the generator makes"});
            continue;
        }
        const std::int64_t createdMs = asked.createdAt.epochMicroseconds() / 1000;
        if (order(run, sequence, createdMs).verdict == courierd::Record::Verdict::Skip)
            answers.push_back({asked.id, courierd::Fate::Canceled, "status canceled"});
        else if (canceledLater(run, sequence) &&
                 now - asked.createdAt >= _settings.canceledAfter.count() * 1000)
            answers.push_back({asked.id, courierd::Fate::Canceled, "status canceled"});
        else
            answers.push_back({asked.id, courierd::Fate::Needed, {}});
    }
    return answers;
}

} // namespace generator
