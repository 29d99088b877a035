#pragma once

/// Marks what libcourierd-sdk exports: its classes with out-of-line members and its free
/// functions. The library is built with hidden visibility, so whatever is not marked stays
/// inside it, and tests/sdk/courierd-sdk.symbols lists what is (CTest SdkExports compares the
/// two; `cmake --build build --target update-sdk-symbols` rewrites the list after a deliberate
/// change, which then also moves COURIERD_ABI_VERSION or the library's SOVERSION). Plugins need
/// not use it: what they include is marked already.
#define COURIERD_SDK_API __attribute__((visibility("default")))
