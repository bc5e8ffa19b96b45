# Finds the header-only dependencies: the interface target salescomp_boost_headers
# and SALESCOMP_EIGEN_INCLUDE_DIR (plus salescomp_eigen for in-tree targets).
include(GNUInstallDirs)

add_library(salescomp_boost_headers INTERFACE)

if(SALESCOMP_PYPI_HEADERS)
  find_package(Python COMPONENTS Interpreter REQUIRED)
  execute_process(
    COMMAND "${Python_EXECUTABLE}" -c "import boost_headers; print(boost_headers.get_include())"
    OUTPUT_VARIABLE _boost_inc OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
  # cmeel wheels unpack into <site-packages>/cmeel.prefix.
  execute_process(
    COMMAND "${Python_EXECUTABLE}" -c
      "import sys, pathlib; print(next(str(p / 'cmeel.prefix/include/eigen3') for p in map(pathlib.Path, sys.path) if (p / 'cmeel.prefix/include/eigen3/Eigen').is_dir()))"
    OUTPUT_VARIABLE _eigen_inc OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
  message(STATUS "salescomp: Boost headers from ${_boost_inc}, Eigen from ${_eigen_inc}")
  target_include_directories(salescomp_boost_headers SYSTEM INTERFACE "${_boost_inc}")
  set(SALESCOMP_EIGEN_INCLUDE_DIR "${_eigen_inc}")
else()
  find_package(Boost 1.74 CONFIG REQUIRED COMPONENTS headers)
  find_package(Eigen3 3.4 CONFIG REQUIRED NO_MODULE)
  target_link_libraries(salescomp_boost_headers INTERFACE Boost::headers)
  get_target_property(SALESCOMP_EIGEN_INCLUDE_DIR Eigen3::Eigen INTERFACE_INCLUDE_DIRECTORIES)
endif()

# Eigen is private to src/ (and to tests that check it), never in public headers.
add_library(salescomp_eigen INTERFACE)
target_include_directories(salescomp_eigen SYSTEM INTERFACE ${SALESCOMP_EIGEN_INCLUDE_DIR})
