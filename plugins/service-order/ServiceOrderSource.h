#pragma once

#include "ServiceOrderSettings.h"
#include "courierd/HttpClient.h"
#include "courierd/Source.h"

#include <memory>

namespace service_order
{

/// Polls service-order's `GET /public/api/v1/orders?from=…` (see the contract in the README):
/// a created_at watermark with look-back and dedup by id, or an id cursor; optional
/// pagination; orders in statuses that need no courier are recorded skipped.
class ServiceOrderSource : public courierd::Source
{
public:
    std::vector<courierd::ConfigKey> settings() const override;
    void initialize(courierd::SourceContext& context) override;
    courierd::Batch fetch(const std::string& cursor) override;

private:
    // One request; returns the elements' text (views into `body`).
    std::vector<std::string_view> request(const std::string& query, std::string& body);
    courierd::Batch fetchByCreatedAt(const std::string& cursor);
    courierd::Batch fetchById(const std::string& cursor);

    ServiceOrderSettings _settings;
    courierd::SourceContext* _context = nullptr;
    std::unique_ptr<courierd::HttpClient> _http;
};

} // namespace service_order
