#pragma once

#include "courierd/ConfigMap.h"
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

/// The generator's keys, bound to their members in map().
struct GeneratorSettings
{
    std::int64_t rate{};                 ///< Orders invented per second.
    std::int64_t batch{};                ///< Most orders handed over in one fetch.
    courierd::Duration catchUp{};        ///< Most time made up for after a pause.
    std::int64_t canceledPercent{};      ///< Share of orders that are `canceled`.
    std::int64_t canceledLaterPercent{}; ///< Share of the others canceled after canceledAfter.
    courierd::Duration canceledAfter{};

    static const courierd::ConfigMap<GeneratorSettings>& map();
};

/// A source that invents realistic orders (service-order's shape, in UTF-8) at `rate` per
/// second, with no service behind it: the demo path of the quick start, and a load source for
/// benchmarks (like Fluent Bit's `dummy` or Benthos' `generate` inputs). Each fetch makes the
/// orders due since the last one, each with its own `created_at`; the same run and sequence
/// always give the same order. `canceled_percent` of them are `canceled` (stored `skipped`), and
/// `canceled_later_percent` of the others become `canceled` `canceled_after` they were created,
/// as recheck() says (so that the demo shows couriers coming back from canceled orders).
class GeneratorSource : public courierd::Source
{
public:
    std::vector<courierd::ConfigKey> settings() const override;
    void initialize(courierd::SourceContext& context) override;
    courierd::Batch fetch(const std::string& cursor) override;
    bool rechecks() const override { return true; }
    std::vector<courierd::RecheckAnswer>
    recheck(const std::vector<courierd::RecheckQuery>& orders) override;

    /// Whether order `sequence` of run `run` is one canceled after canceled_after. Pure.
    bool canceledLater(std::int64_t run, std::int64_t sequence) const;

    /// The order numbered `sequence` of run `run`, created at `createdMs`.
    courierd::Record order(std::int64_t run, std::int64_t sequence, std::int64_t createdMs) const;

private:
    courierd::SourceContext* _context = nullptr;
    GeneratorSettings _settings;
    std::int64_t _catchUpMs = 0;
    std::int64_t _firstMs = 0;
};

} // namespace generator
