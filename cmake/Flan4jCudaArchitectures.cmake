# CUDA target architectures for flan4j.
# Included BEFORE project() so that CMake does not pick its own default.
# Default: SASS for Ampere (80, 86), Ada (89), Hopper (90) and PTX for 90 so newer GPUs can JIT.
# Override with -DCMAKE_CUDA_ARCHITECTURES=... (e.g. "80-real" for a quick development build).
if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES OR CMAKE_CUDA_ARCHITECTURES STREQUAL "")
  set(CMAKE_CUDA_ARCHITECTURES "80-real;86-real;89-real;90-real;90-virtual" CACHE STRING
      "CUDA architectures for flan4j (SASS for 80/86/89/90, PTX for 90)" FORCE)
endif()
