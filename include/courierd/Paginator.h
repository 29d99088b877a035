#pragma once

#include "courierd/Export.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace courierd
{

/// How a source hands out the pages of one answer.
enum class PageStyle
{
    LimitOffset, ///< `limit=N&offset=K`, K growing by the records of each page
    PageNumber,  ///< `page=P&per_page=N`, P from `firstPage` on
    NextLink,    ///< each answer names the next page's URL (a field, or the `Link` header)
    CursorToken, ///< each answer gives a token to send for the next page
};

/// Reads a source's pages one fetch at a time, the page reached kept in the cursor. A *run*
/// reads every page of one query, from its first page to the end: an empty page (offset and
/// page styles), or no next link or token; a new run starts on the fetch after. Each fetch
/// reads one page and returns `more` (Batch::more) while the run goes on, so the engine stores
/// every page, with its cursor, before the next is asked for, and a plugin's TimestampWatermark
/// forgets the window's old ids at each page: memory stays that of a page, however long the
/// run.
///
/// **The page-number trap.** A source paged by number or offset, asked for everything from
/// `watermark - lookback`, returns page 1 of that window on every fetch if the cursor holds
/// the watermark alone: once the window holds more than a page, every record of page 1 is a
/// repeat, the watermark never moves, and page 2 is never read. A run therefore keeps the
/// query it started with (from(), the `from` the plugin gave begin()) until its last page, and
/// only the next run asks from the new watermark. Records that appear inside the run's window
/// while it runs may shift the pages (an offset then skips one): the next run, from the
/// watermark minus the look-back, reads them.
///
/// **Loops and endless runs.** The same next token or link twice in a row, a page with the
/// same records as the one before (a source that ignores the page parameter), a token or link
/// longer than 8 KiB, or a run past `maxPages` ends the run, passes on what the page held, and
/// says why through `warn`: the source keeps being read (from the watermark), never stalls on
/// the same page.
///
/// Not thread-safe (a plugin uses it inside fetch()); its state is private.
class COURIERD_SDK_API Paginator
{
public:
    struct Options
    {
        PageStyle style = PageStyle::PageNumber;
        std::size_t pageSize = 100; ///< Records asked for per page (`limit`, `per_page`).
        long long firstPage = 1;    ///< The number of the first page (PageNumber).
        std::string limitParam = "limit";
        std::string offsetParam = "offset";
        std::string pageParam = "page";
        std::string sizeParam = "per_page";
        std::string tokenParam = "cursor"; ///< CursorToken: the token's query parameter.
        std::size_t maxPages = 10000;      ///< Pages one run may read.
        /// Why a run was ended early (a loop, an endless run); from inside advance().
        std::function<void(const std::string& why)> warn;
    };

    explicit Paginator(Options options);
    ~Paginator();
    Paginator(Paginator&&) noexcept;
    Paginator& operator=(Paginator&&) noexcept;

    /// Takes the run's state out of `cursor` (as cursor() wrote it) and returns the plugin's
    /// own part (`inner`, e.g. a TimestampWatermark cursor). A cursor this class did not write
    /// (the empty one, one from before paging, one an operator set with cursorAt()) is all
    /// inner, with no run. Throws Poco::SyntaxException for a paged cursor it cannot read.
    std::string restore(const std::string& cursor);

    /// Whether a run is under way: its from() and page are to be asked for, not a new query.
    bool running() const;

    /// Starts a run that asks from `from` (the plugin's own text: a time, an id), unless one
    /// is under way.
    void begin(const std::string& from);

    /// The `from` of the run under way.
    const std::string& from() const;

    /// The paging parameters of the page to ask for now, percent-encoded, without `?` or a
    /// leading `&`: `page=3&per_page=100`, `limit=100&offset=200`, `limit=100` then
    /// `cursor=…&limit=100`; for NextLink `limit=100` on the first page only (and link()).
    std::string query() const;

    /// NextLink: the URL to GET for this page (the one the last page named), or empty on a
    /// run's first page, which the plugin asks for with its own path and query().
    const std::string& link() const;

    /// Counts an element of the page being read, for the loop check (a page with the same
    /// elements as the one before): call it with each element's text, or each id, repeats and
    /// rejects included.
    void saw(std::string_view element);

    /// The page was read: it held `records` elements. Returns whether the run goes on (fetch
    /// again now: Batch::more). The offset and page styles end at an empty page; the link and
    /// token styles need the next overload.
    bool advance(std::size_t records);

    /// The same, with what the answer said of the next page: the token or link (empty: none,
    /// the run ends). For the offset and page styles, an answer's field that says whether
    /// there is a next page (`next_page`): empty ends the run, anything else goes on.
    bool advance(std::size_t records, const std::string& next);

    /// The cursor to return: the run's state around `inner`.
    std::string cursor(const std::string& inner) const;

private:
    struct State;
    std::unique_ptr<State> _state;
};

} // namespace courierd
