#pragma once

#include "store/Database.h"

#include <string>
#include <vector>

namespace courierd::test
{

/// Checks invariants 2 and 3 of ARCHITECTURE.md in one transaction, right after releasing the
/// couriers whose deadline has passed (as the delivery monitor does), so every check sees the
/// same instant. Returns one line per violated rule; empty means all hold.
std::vector<std::string> violatedInvariants(Database& database);

} // namespace courierd::test
