# Writes OUTPUT: a C++ file defining courierd::console::assets() from the operator console in
# CONSOLE_DIR (index.html, app.js, app.css), so that the binary serves it with no file on disk
# and nothing fetched at run time. app.js and app.css are served under names holding their
# SHA-256 (ui/app.<12 hex>.js), which index.html is written to use, so that they can be cached
# for good; each asset is kept as it is and gzipped (CMake's own gzip: file(ARCHIVE_CREATE)).
set(assets "")
set(index_refs "")
function(embed path type immutable text)
  string(MAKE_C_IDENTIFIER "${path}" id)
  string(FIND "${text}" ")courierd_ui\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${path} contains the raw-string delimiter )courierd_ui\"")
  endif()
  set(plain "${OUTPUT}.${id}")
  file(WRITE "${plain}" "${text}")
  file(ARCHIVE_CREATE OUTPUT "${plain}.gz" PATHS "${plain}" FORMAT raw COMPRESSION GZip
       COMPRESSION_LEVEL 9)
  file(READ "${plain}.gz" gz HEX)
  file(REMOVE "${plain}" "${plain}.gz")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," gz "${gz}")
  set(defs "${defs}const char ${id}_text[] = R\"courierd_ui(${text})courierd_ui\";\n"
           "const unsigned char ${id}_gzip[] = {${gz}};\n" PARENT_SCOPE)
  set(assets "${assets}        {\"${path}\", \"${type}\", ${immutable}, {${id}_text, sizeof ${id}_text - 1}, {reinterpret_cast<const char*>(${id}_gzip), sizeof ${id}_gzip}},\n" PARENT_SCOPE)
endfunction()

set(defs "")
file(READ "${CONSOLE_DIR}/index.html" index)
foreach(asset app.js app.css)
  file(READ "${CONSOLE_DIR}/${asset}" text)
  file(SHA256 "${CONSOLE_DIR}/${asset}" hash)
  string(SUBSTRING "${hash}" 0 12 hash)
  string(REGEX REPLACE "^app\\." "" ext "${asset}")
  set(name "/ui/app.${hash}.${ext}")
  string(REPLACE "@${asset}@" "ui/app.${hash}.${ext}" index "${index}")
  if(ext STREQUAL "js")
    embed("${name}" "text/javascript; charset=utf-8" true "${text}")
  else()
    embed("${name}" "text/css; charset=utf-8" true "${text}")
  endif()
endforeach()
embed("/" "text/html; charset=utf-8" false "${index}")

file(WRITE "${OUTPUT}.tmp" "// Generated from console/ by cmake/EmbedConsole.cmake; do not edit.
#include \"admin/ConsoleAssets.h\"

namespace courierd::console
{

namespace
{

${defs}
const Asset ASSETS[] = {
${assets}};

} // namespace

std::span<const Asset> assets()
{
    return ASSETS;
}

} // namespace courierd::console
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
