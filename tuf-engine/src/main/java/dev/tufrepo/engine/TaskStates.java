package dev.tufrepo.engine;

/** Task state names, as RSTUF's API reports them. */
public final class TaskStates {
  /** Received by the API, not yet started (RSTUF's {@code RECEIVED}). */
  public static final String RECEIVED = "RECEIVED";

  /** Accepted and queued, not yet published. */
  public static final String PENDING = "PENDING";

  /** Being worked on. */
  public static final String RUNNING = "RUNNING";

  /** Done; the result has {@code status: true}. */
  public static final String SUCCESS = "SUCCESS";

  /** Done, with {@code status: false} in the result (RSTUF: a task that returned an error). */
  public static final String ERRORED = "ERRORED";

  /** The task raised; the result holds only a message. */
  public static final String FAILURE = "FAILURE";

  private TaskStates() {}
}
