package dev.tufrepo.storage;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * A state store that forwards every call to another, closing included: the base of decorators,
 * which override the calls they change (the queue log in front of H2, tests that interfere).
 */
public abstract class ForwardingStateStore implements StateStore {
  protected final StateStore delegate;

  protected ForwardingStateStore(StateStore delegate) {
    this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public Optional<String> setting(String key) {
    return delegate.setting(key);
  }

  @Override
  public Map<String, String> settings() {
    return delegate.settings();
  }

  @Override
  public void putSettings(Map<String, String> values) {
    delegate.putSettings(values);
  }

  @Override
  public boolean compareAndSetSetting(String key, String expected, String newValue) {
    return delegate.compareAndSetSetting(key, expected, newValue);
  }

  @Override
  public long enqueue(TaskRecord task, byte[] payload) {
    return delegate.enqueue(task, payload);
  }

  @Override
  public List<Long> enqueueAll(List<TaskSubmission> submissions) {
    return delegate.enqueueAll(submissions);
  }

  @Override
  public List<QueuedBatch> queued(int limit) {
    return delegate.queued(limit);
  }

  @Override
  public List<QueuedBatch> queued(int limit, long maxPayloadBytes) {
    return delegate.queued(limit, maxPayloadBytes);
  }

  @Override
  public List<QueuedBatch> queued(int limit, long maxPayloadBytes, LongPredicate held) {
    return delegate.queued(limit, maxPayloadBytes, held);
  }

  @Override
  public long queueDepth() {
    return delegate.queueDepth();
  }

  @Override
  public void putTask(TaskRecord task) {
    delegate.putTask(task);
  }

  @Override
  public Optional<TaskRecord> task(String id) {
    return delegate.task(id);
  }

  @Override
  public Map<String, RoleVersion> roleVersions() {
    return delegate.roleVersions();
  }

  @Override
  public void commitPublish(PublishCommit commit, Runnable beforeCommit) {
    delegate.commitPublish(commit, beforeCommit);
  }

  @Override
  public Optional<String> signingSession(String role) {
    return delegate.signingSession(role);
  }

  @Override
  public Map<String, String> signingSessions() {
    return delegate.signingSessions();
  }

  @Override
  public void putSigningSession(String role, String json) {
    delegate.putSigningSession(role, json);
  }

  @Override
  public Optional<Lease> tryAcquire(String name, String owner, Duration ttl) {
    return delegate.tryAcquire(name, owner, ttl);
  }

  @Override
  public void release(Lease lease) {
    delegate.release(lease);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
