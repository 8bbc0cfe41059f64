package dev.tufrepo.rest.internal;

import dev.tufrepo.engine.EngineListener;
import dev.tufrepo.engine.PublishResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's listener, feeding Micrometer (scraped as Prometheus text at {@code /metrics}):
 * publish duration, bins signed, artifacts published, queue depth, seconds until each role expires,
 * HTTP request timings, and warnings about offline roles (root, offline delegations) that expire
 * soon ({@code tufrepo_offline_role_expiry_warnings_total}; their time left is in {@code
 * tufrepo_role_expires_in_seconds}).
 */
public final class Metrics implements EngineListener {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Clock clock;
  private final Timer publishDuration;
  private final Counter binsSigned;
  private final Counter published;
  private final Counter publishFailures;
  private final Counter accepted;
  private final AtomicLong queueDepth = new AtomicLong();
  private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
  private final Map<String, Counter> offlineWarnings = new ConcurrentHashMap<>();

  public Metrics(Clock clock) {
    this.clock = clock;
    publishDuration =
        Timer.builder("tufrepo.publish.duration")
            .description("Wall time of one publish (a group of batches)")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    binsSigned =
        Counter.builder("tufrepo.bins.signed")
            .description("Delegated roles (hash bins) signed anew")
            .register(registry);
    published =
        Counter.builder("tufrepo.artifacts.published")
            .description("Artifacts added or removed by publishes")
            .register(registry);
    publishFailures =
        Counter.builder("tufrepo.publish.failures")
            .description("Publishes that failed (the previous state stayed visible)")
            .register(registry);
    accepted =
        Counter.builder("tufrepo.artifacts.accepted")
            .description("Artifacts accepted by POST /api/v1/artifacts")
            .register(registry);
    Gauge.builder("tufrepo.queue.depth", queueDepth, AtomicLong::get)
        .description("Batches queued and not yet published")
        .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public String scrape() {
    return registry.scrape();
  }

  public void accepted(int artifacts) {
    accepted.increment(artifacts);
  }

  /** Times one HTTP request by route template. */
  public void request(String method, String route, int status, long nanos) {
    Timer.builder("http.server.requests")
        .tag("method", method)
        .tag("uri", route)
        .tag("status", Integer.toString(status))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void published(PublishResult result) {
    publishDuration.record(result.duration());
    binsSigned.increment(result.rolesSigned());
    published.increment((double) result.added() + result.removed());
  }

  @Override
  public void publishFailed(Throwable error) {
    publishFailures.increment();
  }

  @Override
  public void queueDepth(long batches) {
    queueDepth.set(batches);
  }

  @Override
  public void roleExpires(String role, Instant expires) {
    if (expiries.put(role, expires) == null) {
      Gauge.builder(
              "tufrepo.role.expires.in",
              expiries,
              m -> {
                Instant e = m.get(role);
                return e == null
                    ? Double.NaN
                    : Duration.between(clock.instant(), e).toMillis() / 1000.0;
              })
          .tag("role", role)
          .baseUnit("seconds")
          .description("Seconds until the role's current metadata expires")
          .register(registry);
    }
  }

  @Override
  public void offlineRoleExpiring(String role, Instant expires) {
    offlineWarnings
        .computeIfAbsent(
            role,
            r ->
                Counter.builder("tufrepo.offline.role.expiry.warnings")
                    .tag("role", r)
                    .description(
                        "Warnings that an offline role expires within the warning window: its key"
                            + " holders must sign a new version")
                    .register(registry))
        .increment();
    roleExpires(role, expires);
  }
}
