# Install rules and the CMake package, usable three ways: installed
# (find_package), from the build tree (salescomp_DIR=<build>), or by
# add_subdirectory.
include(CMakePackageConfigHelpers)

install(TARGETS salescomp salescomp_boost_headers EXPORT salescompTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/salescomp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT salescompTargets NAMESPACE salescomp:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/salescomp)

configure_package_config_file(cmake/salescompConfig.cmake.in
  "${PROJECT_BINARY_DIR}/salescompConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/salescomp)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/salescompConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/salescompConfig.cmake" "${PROJECT_BINARY_DIR}/salescompConfigVersion.cmake"
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/salescomp)

# Build-tree package: find_package(salescomp) with salescomp_DIR=<this build dir>.
export(EXPORT salescompTargets NAMESPACE salescomp:: FILE "${PROJECT_BINARY_DIR}/salescompTargets.cmake")
