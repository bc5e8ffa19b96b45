# cmake -DSRC=<python/salescomp> -DDST=<build/.../salescomp> -P LinkPythonSources.cmake
# Symlinks every source file of the Python package into the build-tree package
# (new files appear on the next build; edits show at once).
file(GLOB_RECURSE _files RELATIVE "${SRC}" "${SRC}/*")
foreach(f IN LISTS _files)
  if(f MATCHES "__pycache__|\\.so$")
    continue()
  endif()
  get_filename_component(_dir "${DST}/${f}" DIRECTORY)
  file(MAKE_DIRECTORY "${_dir}")
  if(NOT EXISTS "${DST}/${f}")
    file(CREATE_LINK "${SRC}/${f}" "${DST}/${f}" SYMBOLIC)
  endif()
endforeach()
