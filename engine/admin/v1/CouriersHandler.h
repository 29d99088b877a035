#pragma once

#include "admin/Router.h"
#include "admin/Services.h"

namespace courierd
{

/// `GET|POST /api/v1/couriers`, `GET|PATCH /api/v1/couriers/{id}`.
class CouriersHandler : public ResourceHandler<CouriersHandler, CourierService>
{
public:
    using ResourceHandler::ResourceHandler;

    static void addRoutes(Router& router, CourierService& couriers);

    void list(Exchange& exchange);   ///< `?status=` filters
    void create(Exchange& exchange); ///< 201 with `Location`
    void get(Exchange& exchange);
    void update(Exchange& exchange);

protected:
    std::string invalidCode() const override { return "invalid_courier"; }

private:
    Poco::Int64 id(Exchange& exchange);
};

} // namespace courierd
