#include "courierd/RecordFields.h"

#include "courierd/Utf8.h"

#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberFormatter.h>
#include <Poco/SharedPtr.h>

namespace courierd
{

bool idAfter(std::string_view id, std::string_view cursor)
{
    const bool numeric = !id.empty() && !cursor.empty() &&
                         id.find_first_not_of("0123456789") == std::string_view::npos &&
                         cursor.find_first_not_of("0123456789") == std::string_view::npos;
    if (numeric && id.size() != cursor.size())
        return id.size() > cursor.size();
    return id > cursor;
}

namespace
{

// The top-level fields named, read as parse events.
class FieldReader : public Poco::JSON::Handler
{
public:
    FieldReader(const std::vector<std::string>& names, std::vector<JsonField>& fields)
        : _names(names)
        , _fields(fields)
    {
        _fields.assign(names.size(), JsonField{});
    }

    bool isObject = false;

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
        _field = nullptr;
        if (_depth == 1)
            for (std::size_t i = 0; i < _names.size(); ++i)
                if (_names[i] == k)
                    _field = &_fields[i];
    }
    void null() override { other(); }
    void value(int v) override { number(std::to_string(v)); }
    void value(unsigned v) override { number(std::to_string(v)); }
    void value(Poco::Int64 v) override { number(std::to_string(v)); }
    void value(Poco::UInt64 v) override { number(std::to_string(v)); }
    void value(double v) override { number(Poco::NumberFormatter::format(v, 6)); }
    void value(bool) override { other(); }
    void value(const std::string& v) override
    {
        if (_depth == 1 && _field)
            *_field = JsonField{true, v, false};
        _field = nullptr;
    }

private:
    void number(std::string text)
    {
        if (_depth == 1 && _field)
            *_field = JsonField{true, std::move(text), true};
        _field = nullptr;
    }
    // A value that is neither a string nor a number: the field is there, but unusable.
    void other()
    {
        if (_depth <= 2 && _field)
            *_field = JsonField{true, std::nullopt, false};
        _field = nullptr;
    }

    const std::vector<std::string>& _names;
    std::vector<JsonField>& _fields;
    int _depth = 0;
    JsonField* _field = nullptr;
};

const char* formatName(TimeFormat format)
{
    switch (format)
    {
    case TimeFormat::EpochSeconds:
        return "epoch seconds";
    case TimeFormat::EpochMilliseconds:
        return "epoch milliseconds";
    case TimeFormat::Rfc3339:
        break;
    }
    return "an RFC3339 time";
}

} // namespace

bool readJsonFields(std::string_view element, const std::vector<std::string>& names,
                    std::vector<JsonField>& fields)
{
    Poco::SharedPtr<FieldReader> reader = new FieldReader(names, fields);
    Poco::JSON::Parser parser(reader);
    parser.parse(std::string(element));
    return reader->isObject;
}

std::variant<Record, Reject> RecordFields::read(std::string_view element,
                                                Poco::Timestamp latest) const
{
    std::string payload(element);
    const auto reject = [&](const std::string& rejectId, const std::string& why) {
        return Reject{rejectId, payload, why};
    };

    // JSON is UTF-8 text: POCO's parser calls other bytes an "unterminated string literal".
    // The engine stores the payload with those bytes escaped.
    if (const auto bad = firstUnstorableByte(payload); bad && payload[*bad] != '\0')
        return reject("", "not UTF-8 text (byte " + std::to_string(*bad) + ")");

    std::vector<std::string> names{id, createdAt};
    if (!status.empty())
        names.push_back(status);
    std::vector<JsonField> fields;
    try
    {
        if (!readJsonFields(payload, names, fields))
            return reject("", "not a JSON object");
    }
    catch (const Poco::Exception& e)
    {
        return reject("", "not a JSON object: " + e.displayText());
    }

    const JsonField& idField = fields[0];
    if (!idField.text || (idField.number && !integerIds) ||
        (idField.number && idField.text->find_first_not_of("-0123456789") != std::string::npos))
        return reject("", "missing or non-" + std::string(integerIds ? "integer, non-" : "") +
                              "string '" + id + "'");
    const std::string& orderId = *idField.text;
    if (orderId.empty())
        return reject("", "empty '" + id + "'");
    if (orderId.size() > MAX_RECORD_ID_BYTES)
        return reject(clipped(orderId, 64), "'" + id + "' is longer than " +
                                                std::to_string(MAX_RECORD_ID_BYTES) + " bytes (" +
                                                std::to_string(orderId.size()) + ")");
    if (firstUnstorableByte(orderId))
        return reject(escapeUnstorable(orderId), "'" + id +
                                                     "' is not UTF-8 text (it holds a NUL or a "
                                                     "byte outside UTF-8)");

    const JsonField& createdField = fields[1];
    const bool epoch = createdAtFormat != TimeFormat::Rfc3339;
    if (!createdField.text || (createdField.number && !epoch))
        return reject(orderId, "missing or non-" + std::string(epoch ? "numeric" : "string") +
                                   " '" + createdAt + "'");
    const auto created = parseTime(*createdField.text, createdAtFormat);
    if (!created)
        return reject(orderId, "'" + createdAt + "' is not " + formatName(createdAtFormat) + ": '" +
                                   clipped(*createdField.text, 64) + "'");
    if (*created > latest)
        return reject(orderId, "'" + createdAt + "' " + formatRfc3339(*created) +
                                   " is later than now + max_clock_skew (" + formatRfc3339(latest) +
                                   ")");

    Record record;
    record.id = orderId;
    record.createdAt = *created;
    if (!status.empty())
    {
        const JsonField& statusField = fields[2];
        if (!statusField.text || statusField.number)
            return reject(orderId, "missing or non-string '" + status + "'");
        if (!statuses.count(*statusField.text))
        {
            record.verdict = Record::Verdict::Skip;
            record.reason = status + " " + clipped(*statusField.text, 64);
        }
    }
    record.payload = std::move(payload);
    return record;
}

} // namespace courierd
