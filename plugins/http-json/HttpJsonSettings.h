#pragma once

#include <courierd/ConfigMap.h>
#include <courierd/HttpSourceSettings.h>
#include <courierd/Paginator.h>
#include <courierd/Rfc3339.h>
#include <map>
#include <set>
#include <string>

namespace http_json
{

enum class CursorField
{
    CreatedAt, ///< A watermark on created_at with a look-back window.
    Id,        ///< The last id: the source's ids only grow.
};

enum class Paging
{
    None, ///< One answer holds every record from the cursor on; streamed.
    LimitOffset,
    Page,
    NextLink,
    CursorToken,
};

/// The keys of an http-json section: where the orders are, how to ask for them, and where an
/// order's fields are. Declared once (map()), read by the host.
struct HttpJsonSettings
{
    std::string baseUrl;
    std::string path;
    std::string method;
    courierd::HttpSourceSettings http; ///< timeout, retries, size limits, write parts
    courierd::Duration lookback{};
    Poco::Timestamp startFrom;
    std::set<std::string> statuses;
    std::string recordsPath;
    std::string idField;
    std::string createdAtField;
    courierd::TimeFormat createdAtFormat = courierd::TimeFormat::Rfc3339;
    std::string statusField;
    CursorField cursorField = CursorField::CreatedAt;
    std::string cursorParam;
    courierd::TimeFormat cursorFormat = courierd::TimeFormat::Rfc3339;
    Paging pagination = Paging::None;
    long long pageSize = 0;
    std::string limitParam, offsetParam, pageParam, sizeParam, nextField, tokenField, tokenParam;
    long long firstPage = 1;
    long long maxPages = 0;
    std::map<std::string, std::string> query;   ///< query.NAME
    std::map<std::string, std::string> headers; ///< headers.NAME and what headers.NAME_file holds
    std::map<std::string, std::string> secretHeaders;
    std::string statusPath;
    courierd::Duration interval{}; // the engine's keys of every section, read here too
    courierd::Duration maxClockSkew{};

    static const courierd::ConfigMap<HttpJsonSettings>& map();
};

} // namespace http_json
