# The host check: the tensor-core kernel bodies (src/attention_tc.cuh over src/warp.cuh) compiled by the
# host C++ compiler against the lane-by-lane emulation of the warp primitives, run against an fp64
# reference (test/hostcheck.cpp). Part of the default build (so `mvn verify` runs it wherever it compiles
# the CUDA library); -DFLAN4J_HOST_CHECK=OFF turns it off.
#
# Besides the real check, it builds the same program with deliberate bugs (FLAN4J_TC_MUTATION 1: P fragment
# registers swapped, 2: causal mask off by one, 3: wrong ldmatrix rows for K) and requires each of them
# to FAIL: a check that cannot fail proves nothing.
#
# flan4j_hostcheck_llama does the same for the RoPE and SwiGLU bodies (src/rope.cuh, src/swiglu.cuh), with
# its own mutants (FLAN4J_OP_MUTATION 4: rotation sign swapped, 5: position ids ignored, 6: SwiGLU gate
# gradient without the sigmoid derivative, 7: interleaved RoPE pairs instead of rotate-half).
#
# flan4j_hostcheck_ce does the same for the fused cross-entropy and the residual add (src/cross_entropy_vec.cuh,
# src/elementwise_vec.cuh), with mutants 8: padded columns get a gradient, 9: the first padded column enters the
# loss, 10: the add's scalar tail starts one element late, 11: the deterministic sum's second pass drops the last
# block's partial, 12: the clip factor is min(1, max/(norm + 1e-6)) and so also scales a norm equal to max_norm.
#
# flan4j_hostcheck_adafactor does the same for the Adafactor step (src/adafactor.cuh), with mutants 13: the column
# sums leave out the last slab of rows, 14: the update's divisor lacks the floor of 1 (an RMS below clip scales the
# update up), 15: the factored second moment is not divided by the mean of the row factors.
option(FLAN4J_HOST_CHECK "Build and run the host check of the tensor-core kernels" ON)

# flan4j_hostcheck_NAME from test/hostcheck_NAME.cpp, and one mutant per FLAN4J_OP_MUTATION number given; appends
# the mutants to _mutants / _mutant_targets and records the numbers in _flan4j_mutations_NAME (a macro: the lists are
# the caller's).
macro(_flan4j_op_check name)
  set(_src_${name} "${CMAKE_CURRENT_SOURCE_DIR}/test/hostcheck_${name}.cpp")
  add_executable(flan4j_hostcheck_${name} "${_src_${name}}")
  target_include_directories(flan4j_hostcheck_${name} PRIVATE ${_incs})
  target_compile_options(flan4j_hostcheck_${name} PRIVATE -O2 -Wall -Wextra -Wno-unused-parameter -Wno-unknown-pragmas)
  set(_flan4j_mutations_${name} ${ARGN})
  foreach(m ${ARGN})
    add_executable(flan4j_hostcheck_${name}_mutant${m} "${_src_${name}}")
    target_include_directories(flan4j_hostcheck_${name}_mutant${m} PRIVATE ${_incs})
    target_compile_definitions(flan4j_hostcheck_${name}_mutant${m} PRIVATE FLAN4J_OP_MUTATION=${m})
    target_compile_options(flan4j_hostcheck_${name}_mutant${m} PRIVATE -O1 -w)
    list(APPEND _mutants "$<TARGET_FILE:flan4j_hostcheck_${name}_mutant${m}>")
    list(APPEND _mutant_targets flan4j_hostcheck_${name}_mutant${m})
  endforeach()
endmacro()

function(flan4j_add_host_check)
  if(NOT FLAN4J_HOST_CHECK)
    message(STATUS "flan4j: host check disabled (FLAN4J_HOST_CHECK=OFF)")
    return()
  endif()
  set(_src "${CMAKE_CURRENT_SOURCE_DIR}/test/hostcheck.cpp")
  set(_incs "${CMAKE_CURRENT_SOURCE_DIR}/include" "${CMAKE_CURRENT_SOURCE_DIR}/src")
  add_executable(flan4j_hostcheck "${_src}")
  target_include_directories(flan4j_hostcheck PRIVATE ${_incs})
  target_compile_options(flan4j_hostcheck PRIVATE -O2 -Wall -Wextra -Wno-unused-parameter -Wno-unknown-pragmas)
  set(_mutants "")
  foreach(m 1 2 3)
    add_executable(flan4j_hostcheck_mutant${m} "${_src}")
    target_include_directories(flan4j_hostcheck_mutant${m} PRIVATE ${_incs})
    target_compile_definitions(flan4j_hostcheck_mutant${m} PRIVATE FLAN4J_TC_MUTATION=${m})
    target_compile_options(flan4j_hostcheck_mutant${m} PRIVATE -O1 -w)
    list(APPEND _mutants "$<TARGET_FILE:flan4j_hostcheck_mutant${m}>")
  endforeach()
  set(_mutant_targets flan4j_hostcheck_mutant1 flan4j_hostcheck_mutant2 flan4j_hostcheck_mutant3)
  _flan4j_op_check(llama 4 5 6 7)
  _flan4j_op_check(ce 8 9 10 11 12)
  _flan4j_op_check(adafactor 13 14 15)
  set(_checks "$<TARGET_FILE:flan4j_hostcheck>" "$<TARGET_FILE:flan4j_hostcheck_llama>"
              "$<TARGET_FILE:flan4j_hostcheck_ce>" "$<TARGET_FILE:flan4j_hostcheck_adafactor>")
  set(_stamp "${CMAKE_CURRENT_BINARY_DIR}/hostcheck.passed")
  add_custom_command(OUTPUT "${_stamp}"
    COMMAND "${CMAKE_COMMAND}" "-DCHECKS=${_checks}" "-DMUTANTS=${_mutants}"
            "-DSTAMP=${_stamp}" -P "${CMAKE_CURRENT_LIST_DIR}/../cmake/Flan4jRunHostCheck.cmake"
    DEPENDS flan4j_hostcheck flan4j_hostcheck_llama flan4j_hostcheck_ce flan4j_hostcheck_adafactor ${_mutant_targets}
            "${CMAKE_CURRENT_LIST_DIR}/../cmake/Flan4jRunHostCheck.cmake"
    COMMENT "flan4j: host check of the kernel bodies over warp.cuh (emulated warp primitives vs fp64)"
    VERBATIM)
  add_custom_target(flan4j_hostcheck_run ALL DEPENDS "${_stamp}")

  add_test(NAME hostcheck COMMAND flan4j_hostcheck)
  foreach(m 1 2 3)
    add_test(NAME hostcheck_mutant${m} COMMAND flan4j_hostcheck_mutant${m} --quick)
    set_tests_properties(hostcheck_mutant${m} PROPERTIES WILL_FAIL TRUE)
  endforeach()
  foreach(c llama ce adafactor)
    add_test(NAME hostcheck_${c} COMMAND flan4j_hostcheck_${c})
    foreach(m IN LISTS _flan4j_mutations_${c})
      add_test(NAME hostcheck_${c}_mutant${m} COMMAND flan4j_hostcheck_${c}_mutant${m})
      set_tests_properties(hostcheck_${c}_mutant${m} PROPERTIES WILL_FAIL TRUE)
    endforeach()
  endforeach()
endfunction()
