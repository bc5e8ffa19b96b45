#pragma once
// Library version, kept in step with pyproject.toml by CMake (project VERSION).
#define SALESCOMP_VERSION_MAJOR 0
#define SALESCOMP_VERSION_MINOR 1
#define SALESCOMP_VERSION_PATCH 0

namespace salescomp {
inline constexpr const char* kVersion = "0.1.0";
}
