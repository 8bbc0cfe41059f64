package dev.tufrepo.rest.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void offlineRoleExpiring_countsWarningsPerRole_andExposesTheTimeLeft() {
    Instant now = Instant.parse("2030-01-01T00:00:00Z");
    Metrics m = new Metrics(Clock.fixed(now, ZoneOffset.UTC));
    m.offlineRoleExpiring("root", now.plusSeconds(3600));
    m.offlineRoleExpiring("root", now.plusSeconds(3600));
    m.offlineRoleExpiring("production", now.plusSeconds(7200));
    String text = m.scrape();
    assertTrue(
        text.contains("tufrepo_offline_role_expiry_warnings_total{role=\"root\"} 2.0"), text);
    assertTrue(
        text.contains("tufrepo_offline_role_expiry_warnings_total{role=\"production\"} 1.0"), text);
    assertTrue(text.contains("tufrepo_role_expires_in_seconds{role=\"root\"} 3600.0"), text);
  }
}
