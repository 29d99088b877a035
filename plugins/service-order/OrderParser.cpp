#include "OrderParser.h"

#include "courierd/Rfc3339.h"
#include "courierd/Utf8.h"

#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SharedPtr.h>

#include <optional>

namespace service_order
{

namespace
{

// The top-level fields an order needs, read as parse events: the whole element is still
// checked as JSON, but no document is built (which dominated the plugin's time in a drain).
class OrderFields : public Poco::JSON::Handler
{
public:
    // `idKey`: the id's field (`order_id` in a status answer).
    explicit OrderFields(std::string idKey = "id")
        : _idKey(std::move(idKey))
    {
    }

    // A field's value when it is a string; `present` also for other types.
    struct Field
    {
        bool present = false;
        std::optional<std::string> text;
    };

    bool isObject = false;
    Field id;
    Field createdAt;
    Field status;

    void reset() override {}
    void startObject() override
    {
        if (_depth++ == 0)
            isObject = true;
        else
            other();
    }
    void endObject() override { --_depth; }
    void startArray() override
    {
        if (_depth++ > 0)
            other();
    }
    void endArray() override { --_depth; }
    void key(const std::string& k) override
    {
        if (_depth == 1)
            _field = k == _idKey         ? &id
                     : k == "created_at" ? &createdAt
                     : k == "status"     ? &status
                                         : nullptr;
    }
    void null() override { other(); }
    void value(int) override { other(); }
    void value(unsigned) override { other(); }
    void value(Poco::Int64) override { other(); }
    void value(Poco::UInt64) override { other(); }
    void value(double) override { other(); }
    void value(bool) override { other(); }
    void value(const std::string& v) override
    {
        if (_depth == 1 && _field)
            *_field = Field{true, v};
        _field = nullptr;
    }

private:
    // A value that is not a string: the field is there, but unusable.
    void other()
    {
        if (_depth <= 2 && _field)
            *_field = Field{true, std::nullopt};
        _field = nullptr;
    }

    const std::string _idKey;
    int _depth = 0;
    Field* _field = nullptr;
};

} // namespace

std::variant<courierd::Record, courierd::Reject> parseOrder(std::string_view element,
                                                            const std::set<std::string>& assignable,
                                                            Poco::Timestamp latest)
{
    std::string payload(element);
    const auto reject = [&](const std::string& id, const std::string& why) {
        return courierd::Reject{id, payload, why};
    };

    // JSON is UTF-8 text: POCO's parser calls other bytes an "unterminated string literal".
    // The engine stores the payload with those bytes escaped.
    if (const auto bad = courierd::firstUnstorableByte(payload); bad && payload[*bad] != '\0')
        return reject("", "not UTF-8 text (byte " + std::to_string(*bad) + ")");

    Poco::SharedPtr<OrderFields> fields = new OrderFields;
    try
    {
        Poco::JSON::Parser parser(fields);
        parser.parse(payload);
    }
    catch (const Poco::Exception& e)
    {
        return reject("", "not a JSON object: " + e.displayText());
    }
    if (!fields->isObject)
        return reject("", "not a JSON object");

    if (!fields->id.text)
        return reject("", "missing or non-string 'id'");
    if (fields->id.text->empty())
        return reject("", "empty 'id'");
    const std::string& orderId = *fields->id.text;
    if (orderId.size() > courierd::MAX_RECORD_ID_BYTES)
        return reject(courierd::clipped(orderId, 64),
                      "'id' is longer than " + std::to_string(courierd::MAX_RECORD_ID_BYTES) +
                          " bytes (" + std::to_string(orderId.size()) + ")");
    if (courierd::firstUnstorableByte(orderId))
        return reject(courierd::escapeUnstorable(orderId),
                      "'id' is not UTF-8 text (it holds a NUL or a byte outside UTF-8)");

    if (!fields->createdAt.text)
        return reject(orderId, "missing or non-string 'created_at'");
    const auto created = courierd::parseRfc3339(*fields->createdAt.text);
    if (!created)
        return reject(orderId, "'created_at' is not an RFC3339 time: '" +
                                   courierd::clipped(*fields->createdAt.text, 64) + "'");
    if (*created > latest)
        return reject(orderId, "'created_at' " + *fields->createdAt.text +
                                   " is later than now + max_clock_skew (" +
                                   courierd::formatRfc3339(latest) + ")");

    if (!fields->status.text)
        return reject(orderId, "missing or non-string 'status'");

    courierd::Record record;
    record.id = orderId;
    record.createdAt = *created;
    record.payload = std::move(payload);
    const std::string& statusText = *fields->status.text;
    if (!assignable.count(statusText))
    {
        record.verdict = courierd::Record::Verdict::Skip;
        record.reason = "status " + courierd::clipped(statusText, 64);
    }
    return record;
}

std::optional<OrderStatus> parseStatus(std::string_view element, const std::string& idKey)
{
    const std::string text(element);
    if (courierd::firstUnstorableByte(text))
        return std::nullopt;
    Poco::SharedPtr<OrderFields> fields = new OrderFields(idKey);
    try
    {
        Poco::JSON::Parser parser(fields);
        parser.parse(text);
    }
    catch (const Poco::Exception&)
    {
        return std::nullopt;
    }
    // An escaped NUL (`\u0000`) decodes to what no log line or row should hold.
    if (!fields->isObject || !fields->id.text || fields->id.text->empty() || !fields->status.text ||
        courierd::firstUnstorableByte(*fields->id.text) ||
        courierd::firstUnstorableByte(*fields->status.text))
        return std::nullopt;
    return OrderStatus{*fields->id.text, *fields->status.text};
}

courierd::RecheckAnswer fateOf(const std::string& id, const std::string& status,
                               const std::set<std::string>& assignable,
                               const std::set<std::string>& known)
{
    using courierd::Fate;
    const std::string reason = "status " + courierd::clipped(status, 64);
    if (assignable.count(status))
        return {id, Fate::Needed, {}};
    if (status == "canceled")
        return {id, Fate::Canceled, reason};
    if (status == "deleted")
        return {id, Fate::Gone, reason};
    if (known.count(status))
        return {id, Fate::NotNeeded, reason};
    return {id, Fate::Unknown,
            "status '" + courierd::escapeUnstorable(courierd::clipped(status, 64)) +
                "' is not in service-order's contract"};
}

} // namespace service_order
