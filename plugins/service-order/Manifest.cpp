#include "ServiceOrderSource.h"
#include "courierd/Plugin.h"

COURIERD_PLUGIN(service_order::ServiceOrderSource, "service-order", "1.0.0")
