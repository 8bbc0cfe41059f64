package dev.tufrepo.rest.internal;

import java.util.List;

/** A request refused with 422 and FastAPI's {@code {"detail": [...]}} list. */
public final class ValidationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public ValidationException(List<Problem> problems) {
    super(problems.isEmpty() ? "invalid" : problems.get(0).msg(), null, false, false);
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
