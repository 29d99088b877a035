#include "HttpJsonSettings.h"

namespace http_json
{

const courierd::ConfigMap<HttpJsonSettings>& HttpJsonSettings::map()
{
    using namespace std::chrono_literals;
    using S = HttpJsonSettings;
    using courierd::TimeFormat;
    constexpr auto DAY = std::chrono::hours(24);
    const std::vector<std::pair<std::string, TimeFormat>> formats = {
        {"rfc3339", TimeFormat::Rfc3339},
        {"epoch_s", TimeFormat::EpochSeconds},
        {"epoch_ms", TimeFormat::EpochMilliseconds}};
    static const auto map =
        courierd::ConfigMap<S>()
            .string("base_url", &S::baseUrl, "http://localhost:8080",
                    "the source's address (scheme, host, port, and a path prefix if any)")
            .string("path", &S::path, "/orders", "the path of the orders, after base_url")
            .enumeration("method", &S::method, "GET",
                         "the request's method: GET only (retried as idempotent)",
                         {{"GET", std::string("GET")}})
            .include(&S::http, courierd::HttpSourceSettings::map())
            .duration("lookback", &S::lookback, "10s",
                      "how far behind the newest created_at to keep re-reading, for orders that "
                      "become visible late (cursor_field = created_at)",
                      0ms, DAY)
            .time("start_from", &S::startFrom, "1970-01-01T00:00:00Z",
                  "RFC3339 time the first poll starts from (cursor_field = created_at)")
            .list("statuses", &S::statuses, "",
                  "comma-separated statuses that need a courier; orders in others are recorded "
                  "skipped (empty: every order needs one)")
            .string("records_path", &S::recordsPath, "",
                    "where the array of orders is in an answer: empty for the answer itself, "
                    "or a dotted path (data.orders)")
            .string("id_field", &S::idField, "id", "an order's id: a string or an integer")
            .string("created_at_field", &S::createdAtField, "created_at",
                    "an order's creation time")
            .enumeration("created_at_format", &S::createdAtFormat, "rfc3339",
                         "how created_at is written: rfc3339, epoch_s or epoch_ms", formats)
            .string("status_field", &S::statusField, "status",
                    "an order's status, judged by statuses (empty: orders have none)")
            .enumeration("cursor_field", &S::cursorField, "created_at",
                         "created_at (a watermark with lookback) or id (for sources whose ids "
                         "only grow)",
                         {{"created_at", CursorField::CreatedAt}, {"id", CursorField::Id}})
            .string("cursor_param", &S::cursorParam, "from",
                    "the query parameter that asks for orders from the cursor on (created_at: "
                    "inclusive; id: after it)")
            .enumeration("cursor_format", &S::cursorFormat, "rfc3339",
                         "how a created_at cursor is sent: rfc3339, epoch_s or epoch_ms", formats)
            .enumeration("pagination", &S::pagination, "none",
                         "none (one answer from the cursor on, streamed), limit_offset, page, "
                         "next_link or cursor_token",
                         {{"none", Paging::None},
                          {"limit_offset", Paging::LimitOffset},
                          {"page", Paging::Page},
                          {"next_link", Paging::NextLink},
                          {"cursor_token", Paging::CursorToken}})
            .integer("page_size", &S::pageSize, "100", "orders asked for per page", 1, 100000)
            .string("pagination.limit_param", &S::limitParam, "limit",
                    "limit_offset, next_link, cursor_token: the page size's parameter")
            .string("pagination.offset_param", &S::offsetParam, "offset",
                    "limit_offset: the offset's parameter")
            .string("pagination.page_param", &S::pageParam, "page",
                    "page: the page number's parameter")
            .string("pagination.size_param", &S::sizeParam, "per_page",
                    "page: the page size's parameter")
            .integer("pagination.first_page", &S::firstPage, "1", "page: the first page's number",
                     0, 1)
            .string("pagination.next_field", &S::nextField, "",
                    "next_link: a dotted path to the next page's URL (unset: the Link header); "
                    "limit_offset, page: a field that is null on the last page")
            .string("pagination.token_field", &S::tokenField, "next_cursor",
                    "cursor_token: a dotted path to the next page's token")
            .string("pagination.token_param", &S::tokenParam, "cursor",
                    "cursor_token: the token's query parameter")
            .integer("pagination.max_pages", &S::maxPages, "10000",
                     "pages one run may read before it is ended as endless", 1, 1000000)
            .family("query.*", &S::query, "a fixed query parameter sent with every request")
            .family("headers.*", &S::headers, "a request header sent with every request")
            .family("headers.*_file", &S::secretHeaders,
                    "a request header whose value is a secret, read from this file "
                    "(never logged)",
                    true)
            .string("status_path", &S::statusPath, "",
                    "one order's path, {id} standing for its id (/orders/{id}): orders are asked "
                    "about again through it (empty: they are not)");
    return map;
}

} // namespace http_json
