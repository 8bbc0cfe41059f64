package dev.tufrepo.rest.internal;

import dev.tufrepo.engine.RepositoryEngine;
import dev.tufrepo.engine.TaskIds;
import dev.tufrepo.engine.TaskResult;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs RSTUF's asynchronous tasks: the route answers 202 with the task id at once, the engine call
 * runs on an executor and records its own result ({@code GET /api/v1/task} reads it back).
 */
public final class TaskRunner {
  private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

  /** Records a FAILURE for a task whose engine call threw: {@code (taskId, taskName, reason)}. */
  public interface FailureRecorder {
    void failed(String taskId, String taskName, String reason);
  }

  private final RepositoryEngine engine;
  private final ExecutorService executor;
  private final FailureRecorder failures;

  public TaskRunner(RepositoryEngine engine, ExecutorService executor, FailureRecorder failures) {
    this.engine = engine;
    this.executor = executor;
    this.failures = failures;
  }

  /** 32 lowercase hex digits, like {@code uuid4().hex}; see {@link TaskIds}. */
  public static String newTaskId() {
    return TaskIds.newTaskId();
  }

  /**
   * Records {@code taskId} as received and runs {@code work} in the background; {@code onFailure}
   * runs (before the failure is recorded) when the work throws.
   */
  public void run(
      String taskId,
      String taskName,
      java.util.function.Function<String, TaskResult> work,
      Consumer<Throwable> onFailure) {
    engine.taskReceived(taskId, taskName);
    try {
      executor.execute(
          () -> {
            try {
              TaskResult r = work.apply(taskId);
              LOG.info(
                  "task {} {} done: status={} message={}",
                  taskName,
                  taskId,
                  r == null ? null : r.status(),
                  r == null ? null : r.message());
            } catch (RuntimeException | Error e) {
              LOG.warn("task {} {} failed: {}", taskName, taskId, e.toString(), e);
              try {
                onFailure.accept(e);
              } catch (RuntimeException suppressed) {
                LOG.warn("cleanup after task {} failed", taskId, suppressed);
              }
              failures.failed(taskId, taskName, String.valueOf(e.getMessage()));
            }
          });
    } catch (RejectedExecutionException e) {
      failures.failed(taskId, taskName, "the server is shutting down");
      throw ApiException.of(503, "Task not accepted.", "the server is shutting down");
    }
  }

  public void run(
      String taskId, String taskName, java.util.function.Function<String, TaskResult> work) {
    run(taskId, taskName, work, e -> {});
  }
}
