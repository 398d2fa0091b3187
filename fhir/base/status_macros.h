#pragma once
// Propagation macros, after google/fhir and abseil.
#include "fhir/base/result.h"

#define SELVHJELP_CONCAT_INNER(a, b) a##b
#define SELVHJELP_CONCAT(a, b) SELVHJELP_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is not OK.
#define SELVHJELP_RETURN_IF_ERROR(expr)            \
  do {                                             \
    ::selvhjelp::Status _status = (expr);          \
    if (!_status.ok()) return _status;             \
  } while (0)

// `lhs` = value of the Result `rexpr`, or return its Status.
#define SELVHJELP_ASSIGN_OR_RETURN(lhs, rexpr) \
  SELVHJELP_ASSIGN_OR_RETURN_IMPL(SELVHJELP_CONCAT(_result_, __LINE__), lhs, rexpr)
#define SELVHJELP_ASSIGN_OR_RETURN_IMPL(result, lhs, rexpr) \
  auto result = (rexpr);                                    \
  if (!result.ok()) return result.status();                 \
  lhs = std::move(result).value()
