#include "courierd/Paginator.h"

#include "courierd/HttpClient.h"
#include "courierd/JsonArray.h"
#include "courierd/Utf8.h"
#include "sdk/Internal.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdint>

namespace courierd
{

namespace
{

constexpr std::size_t MAX_NEXT = 8 * 1024;
// The key that marks a cursor as the paginator's: `{"paged":1,…}`.
constexpr const char* MARK = "paged";

std::uint64_t fnv(std::uint64_t hash, std::string_view text)
{
    for (const unsigned char c : text)
        hash = (hash ^ c) * 1099511628211ULL;
    return (hash ^ 0xff) * 1099511628211ULL; // an id's end: `ab`,`c` differs from `a`,`bc`
}

constexpr std::uint64_t FNV_START = 14695981039346656037ULL;

} // namespace

struct COURIERD_SDK_PRIVATE Paginator::State
{
    COURIERD_LAYOUT_PROBE
    Options options;
    bool running = false;
    std::string from;
    long long page = 0;     // PageNumber: the page to ask for
    long long offset = 0;   // LimitOffset: records before the page to ask for
    std::string next;       // NextLink, CursorToken: what the last page named
    long long pages = 0;    // pages this run has read
    std::uint64_t last = 0; // the last page's fingerprint (0: none yet)
    std::uint64_t hash = FNV_START;
    std::size_t seen = 0; // ids counted on the page being read

    void end()
    {
        running = false;
        from.clear();
        next.clear();
        page = offset = pages = 0;
        last = 0;
    }

    bool stop(const std::string& why)
    {
        if (options.warn)
            options.warn(why + "; the run of pages from '" + clipped(from, 200) +
                         "' ends here, and the next one starts from the cursor");
        end();
        return false;
    }
};

Paginator::Paginator(Options options)
    : _state(std::make_unique<State>())
{
    if (options.pageSize == 0)
        throw Poco::InvalidArgumentException("Paginator: pageSize must be at least 1");
    _state->options = std::move(options);
}

Paginator::~Paginator() = default;
Paginator::Paginator(Paginator&&) noexcept = default;
Paginator& Paginator::operator=(Paginator&&) noexcept = default;

std::string Paginator::restore(const std::string& cursor)
{
    State& s = *_state;
    s.end();
    s.hash = FNV_START;
    s.seen = 0;
    if (cursor.empty() || cursor.front() != '{')
        return cursor;
    Poco::JSON::Object::Ptr object;
    try
    {
        object = Poco::JSON::Parser().parse(cursor).extract<Poco::JSON::Object::Ptr>();
    }
    catch (const Poco::Exception&)
    {
        return cursor; // not JSON of ours: the plugin's own
    }
    if (!object || !object->has(MARK))
        return cursor;
    try
    {
        const std::string inner = object->getValue<std::string>("inner");
        if (object->has("run"))
        {
            const auto run = object->getObject("run");
            if (!run)
                throw Poco::SyntaxException("run is not an object");
            s.running = true;
            s.from = run->getValue<std::string>("from");
            s.page = run->optValue<long long>("page", 0);
            s.offset = run->optValue<long long>("offset", 0);
            s.next = run->optValue<std::string>("next", "");
            s.pages = run->optValue<long long>("pages", 0);
            s.last = std::stoull(run->optValue<std::string>("last", "0"));
            if (s.page < 0 || s.offset < 0 || s.pages < 0 || s.next.size() > MAX_NEXT)
                throw Poco::SyntaxException("a page, offset or count out of range");
        }
        return inner;
    }
    catch (const std::exception& e)
    {
        s.end();
        throw Poco::SyntaxException("a paged cursor that cannot be read: " +
                                    std::string(e.what()).substr(0, 200));
    }
}

bool Paginator::running() const
{
    return _state->running;
}

void Paginator::begin(const std::string& from)
{
    State& s = *_state;
    if (s.running)
        return;
    s.end();
    s.running = true;
    s.from = from;
    s.page = s.options.firstPage;
}

const std::string& Paginator::from() const
{
    return _state->from;
}

std::string Paginator::query() const
{
    const State& s = *_state;
    const Options& o = s.options;
    const std::string size = std::to_string(o.pageSize);
    switch (o.style)
    {
    case PageStyle::LimitOffset:
        return HttpClient::encode(o.limitParam) + "=" + size + "&" +
               HttpClient::encode(o.offsetParam) + "=" + std::to_string(s.offset);
    case PageStyle::PageNumber:
        return HttpClient::encode(o.pageParam) + "=" + std::to_string(s.page) + "&" +
               HttpClient::encode(o.sizeParam) + "=" + size;
    case PageStyle::CursorToken:
        return (s.next.empty()
                    ? std::string()
                    : HttpClient::encode(o.tokenParam) + "=" + HttpClient::encode(s.next) + "&") +
               HttpClient::encode(o.limitParam) + "=" + size;
    case PageStyle::NextLink:
        break;
    }
    return HttpClient::encode(o.limitParam) + "=" + size;
}

const std::string& Paginator::link() const
{
    static const std::string none;
    return _state->options.style == PageStyle::NextLink ? _state->next : none;
}

void Paginator::saw(std::string_view element)
{
    _state->hash = fnv(_state->hash, element);
    ++_state->seen;
}

bool Paginator::advance(std::size_t records)
{
    State& s = *_state;
    if (s.options.style == PageStyle::NextLink || s.options.style == PageStyle::CursorToken)
        return advance(records, std::string());
    return advance(records, "more");
}

bool Paginator::advance(std::size_t records, const std::string& next)
{
    State& s = *_state;
    const std::uint64_t fingerprint = s.seen > 0 ? s.hash : 0;
    s.hash = FNV_START;
    s.seen = 0;
    if (!s.running)
        return false;
    ++s.pages;
    const PageStyle style = s.options.style;
    const bool paged = style == PageStyle::LimitOffset || style == PageStyle::PageNumber;
    if (records == 0 || next.empty())
    {
        s.end(); // the last page
        return false;
    }
    if (fingerprint != 0 && fingerprint == s.last)
        return s.stop("page " + std::to_string(s.pages) +
                      " held the same records as the page before (does the source ignore "
                      "the paging parameters?)");
    if (s.pages >= static_cast<long long>(s.options.maxPages))
        return s.stop("the run read " + std::to_string(s.pages) + " pages, its limit");
    s.last = fingerprint;
    if (paged)
    {
        s.page += 1;
        s.offset += static_cast<long long>(records);
        return true;
    }
    if (next.size() > MAX_NEXT)
        return s.stop("the source gave a next " +
                      std::string(style == PageStyle::NextLink ? "link" : "token") + " of " +
                      std::to_string(next.size()) + " bytes, longer than " +
                      std::to_string(MAX_NEXT));
    if (firstUnstorableByte(next))
        return s.stop("the source gave a next " +
                      std::string(style == PageStyle::NextLink ? "link" : "token") +
                      " that is not UTF-8 text, which a cursor cannot hold");
    if (next == s.next)
        return s.stop("the source gave the same next " +
                      std::string(style == PageStyle::NextLink ? "link" : "token") + " '" +
                      clipped(next, 200) + "' twice in a row");
    s.next = next;
    return true;
}

std::string Paginator::cursor(const std::string& inner) const
{
    const State& s = *_state;
    std::string out = std::string("{\"") + MARK + "\":1,\"inner\":";
    appendJsonString(out, inner);
    if (s.running)
    {
        out += ",\"run\":{\"from\":";
        appendJsonString(out, s.from);
        out += ",\"page\":" + std::to_string(s.page) + ",\"offset\":" + std::to_string(s.offset) +
               ",\"pages\":" + std::to_string(s.pages) + ",\"last\":\"" + std::to_string(s.last) +
               "\"";
        if (!s.next.empty())
        {
            out += ",\"next\":";
            appendJsonString(out, s.next);
        }
        out += "}";
    }
    return out + "}";
}

} // namespace courierd
