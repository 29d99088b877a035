#pragma once

#include "courierd/Source.h"

#include <cstdint>
#include <string>

namespace generator
{

/// Where a generator stands: the run it belongs to (its start, in ms since the epoch, which
/// prefixes every id so that a reset never repeats one), how many orders it has made, and the
/// time of the last one. Written as `g1:RUN:SEQUENCE:UNTIL`. A plain value type.
struct GeneratorCursor
{
    std::int64_t run = 0;
    std::int64_t sequence = 0;
    std::int64_t untilMs = 0;

    std::string write() const;
    /// Throws Poco::SyntaxException for anything but a cursor write() made.
    static GeneratorCursor read(const std::string& text);
};

/// A source that invents realistic orders (service-order's shape, in UTF-8) at `rate` per
/// second, with no service behind it: the demo path of the quick start, and a load source for
/// benchmarks (like Fluent Bit's `dummy` or Benthos' `generate` inputs). Each fetch makes the
/// orders due since the last one, each with its own `created_at`; the same run and sequence
/// always give the same order. `canceled_percent` of them are `canceled` (stored `skipped`).
class GeneratorSource : public courierd::Source
{
public:
    std::vector<courierd::ConfigKey> settings() const override;
    void initialize(courierd::SourceContext& context) override;
    courierd::Batch fetch(const std::string& cursor) override;

    /// The order numbered `sequence` of run `run`, created at `createdMs`.
    courierd::Record order(std::int64_t run, std::int64_t sequence, std::int64_t createdMs) const;

private:
    courierd::SourceContext* _context = nullptr;
    std::int64_t _rate = 1;
    std::int64_t _batch = 1000;
    std::int64_t _catchUpMs = 60000;
    std::int64_t _firstMs = 5000;
    std::int64_t _canceledPercent = 5;
};

} // namespace generator
